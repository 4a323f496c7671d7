package io.callarchive.imports;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Expected failures in words a person reads at 3 a.m.: what happened, in one sentence, without Java class names
 * ({@code AccessDeniedException: /var/log/x} becomes {@code permission denied: /var/log/x}). The cause chain is
 * searched for the most telling exception, since libraries wrap the real one (a bind failure inside a startup
 * error). Stateless.
 */
public final class Problems {
  private Problems() {}

  public static String describe(Throwable t) {
    // Our own messages (thrown as IllegalState/IllegalArgument with a sentence) are already meant for people.
    if ((t instanceof IllegalStateException || t instanceof IllegalArgumentException) && t.getMessage() != null
        && !t.getMessage().isBlank()) {
      return t.getMessage();
    }
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String d = known(c);
      if (d != null) return d;
    }
    String m = t.getMessage();
    if (m == null || m.isBlank()) m = t.getClass().getSimpleName();
    Throwable c = t.getCause();
    if (c != null && c.getMessage() != null && !m.contains(c.getMessage())) m += " (" + c.getMessage() + ")";
    return m;
  }

  private static String known(Throwable c) {
    if (c instanceof AccessDeniedException e) return "permission denied: " + e.getFile();
    if (c instanceof NoSuchFileException e) return "no such file or directory: " + e.getFile();
    if (c instanceof NotDirectoryException e) return "not a directory: " + e.getFile();
    if (c instanceof FileSystemException e && e.getReason() != null) return e.getReason() + ": " + e.getFile();
    if (c instanceof BindException e) return "address already in use (" + e.getMessage() + ")";
    if (c instanceof ConnectException) {
      return "connection refused (" + c.getMessage() + "): is Elasticsearch running there? Check --es-url, or start the local node";
    }
    if (c instanceof UnknownHostException) return "unknown host " + c.getMessage();
    if (c instanceof IOException && c.getMessage() != null && c.getMessage().contains("Permission denied")) {
      return "permission denied (" + c.getMessage() + ")";
    }
    return null;
  }
}
