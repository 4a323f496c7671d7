package io.callarchive.alert;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A small SMTP server on loopback that speaks the parts of the protocol a submission server insists on: EHLO
 * (RFC 5321), STARTTLS (RFC 3207) before anything else, then AUTH PLAIN (RFC 4954, RFC 4616) before MAIL. Its
 * certificate is made by the JDK's keytool for 127.0.0.1. GreenMail has no STARTTLS, hence this one.
 */
final class StartTlsSmtpServer implements AutoCloseable {
  record Mail(boolean tls, String user, String from, List<String> to, String data) {}

  final List<Mail> received = new CopyOnWriteArrayList<>();
  final Path caPem;
  private final SSLContext tls;
  private final ServerSocket server;
  private final boolean offerStartTls;
  private final String user;
  private final String password;

  private static Path material;

  /** The key pair and its certificate, made once per test run (keytool takes a while on a busy machine). */
  private static synchronized Path material() throws Exception {
    if (material != null) return material;
    Path dir = Files.createTempDirectory("test-smtp-tls");
    dir.toFile().deleteOnExit();
    Path ks = dir.resolve("smtp.p12");
    Path caPem = dir.resolve("smtp-ca.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "smtp", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=127.0.0.1",
        "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12",
        "-storepass", "changeit", "-keypass", "changeit");
    run(keytool, "-exportcert", "-rfc", "-alias", "smtp", "-keystore", ks.toString(), "-storepass", "changeit",
        "-file", caPem.toString());
    ks.toFile().deleteOnExit();
    caPem.toFile().deleteOnExit();
    material = dir;
    return dir;
  }

  StartTlsSmtpServer(boolean offerStartTls, String user, String password) throws Exception {
    this.offerStartTls = offerStartTls;
    this.user = user;
    this.password = password;
    Path ks = material().resolve("smtp.p12");
    caPem = material().resolve("smtp-ca.pem");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, "changeit".toCharArray());
    tls = SSLContext.getInstance("TLS");
    tls.init(kmf.getKeyManagers(), null, null);
    server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::serve, "test-smtp");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  private static void run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("keytool failed: " + out);
  }

  private void serve() {
    while (!server.isClosed()) {
      try (Socket s = server.accept()) {
        session(s);
      } catch (IOException e) {
        // the client went away, or the server closed: wait for the next one
      }
    }
  }

  private void session(Socket plain) throws IOException {
    Socket s = plain;
    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
    OutputStream out = s.getOutputStream();
    boolean secure = false;
    String authed = null;
    String from = null;
    List<String> to = new CopyOnWriteArrayList<>();
    say(out, "220 127.0.0.1 ESMTP test");
    String line;
    while ((line = in.readLine()) != null) {
      String cmd = line.toUpperCase(java.util.Locale.ROOT);
      if (cmd.startsWith("EHLO") || cmd.startsWith("HELO")) {
        if (!secure && offerStartTls) say(out, "250-127.0.0.1\r\n250-STARTTLS\r\n250 8BITMIME");
        else if (secure) say(out, "250-127.0.0.1\r\n250-AUTH PLAIN\r\n250 8BITMIME");
        else say(out, "250-127.0.0.1\r\n250-AUTH PLAIN\r\n250 8BITMIME");
      } else if (cmd.equals("STARTTLS") && offerStartTls && !secure) {
        say(out, "220 ready to start TLS");
        SSLSocket t = (SSLSocket) tls.getSocketFactory().createSocket(s, "127.0.0.1", s.getPort(), true);
        t.setUseClientMode(false);
        t.startHandshake();
        s = t;
        secure = true;
        in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        out = s.getOutputStream();
      } else if (cmd.startsWith("AUTH PLAIN")) {
        if (!secure) {
          say(out, "538 5.7.11 Encryption required for requested authentication mechanism");
          continue;
        }
        String b64 = line.length() > "AUTH PLAIN ".length() ? line.substring("AUTH PLAIN ".length()).strip() : null;
        if (b64 == null) {
          say(out, "334 ");
          b64 = in.readLine();
        }
        String[] parts = new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8).split("\0", -1);
        if (parts.length == 3 && parts[1].equals(user) && parts[2].equals(password)) {
          authed = parts[1];
          say(out, "235 2.7.0 Authentication successful");
        } else {
          say(out, "535 5.7.8 Authentication credentials invalid");
        }
      } else if (cmd.startsWith("MAIL FROM:")) {
        if (!secure) say(out, "530 5.7.0 Must issue a STARTTLS command first");
        else if (authed == null) say(out, "530 5.7.0 Authentication required");
        else {
          from = line.substring(10).strip();
          say(out, "250 2.1.0 OK");
        }
      } else if (cmd.startsWith("RCPT TO:")) {
        to.add(line.substring(8).strip());
        say(out, "250 2.1.5 OK");
      } else if (cmd.equals("DATA")) {
        say(out, "354 End data with <CR><LF>.<CR><LF>");
        StringBuilder data = new StringBuilder();
        String l;
        while ((l = in.readLine()) != null && !l.equals(".")) data.append(l.startsWith("..") ? l.substring(1) : l).append('\n');
        received.add(new Mail(secure, authed, from, List.copyOf(to), data.toString()));
        to.clear();
        say(out, "250 2.0.0 queued");
      } else if (cmd.equals("QUIT")) {
        say(out, "221 2.0.0 bye");
        return;
      } else if (cmd.equals("RSET") || cmd.equals("NOOP")) {
        say(out, "250 OK");
      } else {
        say(out, "502 5.5.2 not implemented");
      }
    }
  }

  private static void say(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
