package io.callarchive.imports;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.junit.jupiter.api.Test;

class ProblemsTest {
  @Test
  void fileErrorsReadAsWordsWithTheirPathWhateverWrapsThem() {
    assertEquals("permission denied: /var/log/asterisk/ami.log",
        Problems.describe(new RuntimeException("x", new UncheckedIOException(new AccessDeniedException("/var/log/asterisk/ami.log")))));
    assertEquals("no such file or directory: gone.log", Problems.describe(new NoSuchFileException("gone.log")));
  }

  @Test
  void theRealCauseOfAFailedStartIsKept() {
    assertEquals("address already in use (Address already in use)",
        Problems.describe(new RuntimeException("startup failed", new BindException("Address already in use"))));
  }

  @Test
  void ourOwnSentencesAreLeftAsTheyAre() {
    assertEquals("--time-from must be mtime", Problems.describe(new IllegalArgumentException("--time-from must be mtime",
        new RuntimeException("parse error at index 0"))));
  }
}
