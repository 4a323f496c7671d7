package io.callarchive.stream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed certificate for 127.0.0.1 made with the JDK's own keytool, for loopback TLS servers in tests: the
 * server side context, and the certificate in PEM for the client to trust as its CA.
 */
public record TestTls(SSLContext server, Path caPem) {
  private static final String PASS = "changeit";
  private static TestTls shared;

  /** One certificate per test JVM (keytool is slow on a busy machine), under {@code target/it-tls}. */
  public static synchronized TestTls shared() throws Exception {
    if (shared == null) shared = create(Path.of("target", "it-tls"));
    return shared;
  }

  public static TestTls create(Path dir) throws Exception {
    Files.createDirectories(dir);
    Path ks = dir.resolve("server.p12");
    Path pem = dir.resolve("ca.pem");
    Files.deleteIfExists(ks);
    Files.deleteIfExists(pem);
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(List.of(keytool, "-genkeypair", "-alias", "test", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
        "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", PASS, "-keypass", PASS));
    run(List.of(keytool, "-exportcert", "-rfc", "-alias", "test", "-keystore", ks.toString(), "-storepass", PASS,
        "-file", pem.toString()));
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(ks)) {
      store.load(in, PASS.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, PASS.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return new TestTls(ctx, pem);
  }

  private static void run(List<String> cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool failed: " + out);
    }
  }
}
