package io.callarchive.it;

import io.callarchive.cli.Main;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the command line in this JVM (output captured) or as a separate JVM on the test class path. */
public final class Cli {
  public record Run(int code, String out, String err) {
    public String all() {
      return out + err;
    }
  }

  private Cli() {}

  public static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code;
    try (PrintWriter o = new PrintWriter(out); PrintWriter e = new PrintWriter(err)) {
      code = Main.run(o, e, args);
    }
    return new Run(code, out.toString(), err.toString());
  }

  /** A started {@code callarchive} process; stdout and stderr go to files beside {@code logs}. */
  public static Process start(Path logs, String name, Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(Main.class.getName());
    cmd.addAll(List.of(args));
    Files.createDirectories(logs);
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectOutput(logs.resolve(name + ".out").toFile())
        .redirectError(logs.resolve(name + ".err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("CALLARCHIVE_"));
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Waits for a process started by {@link #start} (at most 5 minutes) and reads what it printed. */
  public static Run finish(Process p, Path logs, String name) throws Exception {
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(name + " did not finish within 5 minutes");
    }
    return new Run(p.exitValue(), read(logs.resolve(name + ".out").toFile()), read(logs.resolve(name + ".err").toFile()));
  }

  public static Run process(Path logs, String name, Map<String, String> env, String... args) throws Exception {
    return finish(start(logs, name, env, args), logs, name);
  }

  private static String read(File f) throws IOException {
    return Files.readString(f.toPath(), StandardCharsets.UTF_8);
  }
}
