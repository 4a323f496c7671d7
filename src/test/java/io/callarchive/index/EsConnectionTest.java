package io.callarchive.index;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EsConnectionTest {
  @Test
  void severalUrlsAreNodesOfOneClusterInTheOrderGiven() {
    EsConnection c = EsConnection.plain(" https://es1:9200/, https://es2:9200 ,http://10.0.0.3:9200");
    assertEquals(List.of(URI.create("https://es1:9200"), URI.create("https://es2:9200"), URI.create("http://10.0.0.3:9200")), c.urls());
  }

  @Test
  void credentialsInAUrlAreRefusedWithoutRepeatingThem() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> EsConnection.plain("https://elastic:s3cret-pw@es1:9200"));
    assertFalse(e.getMessage().contains("s3cret-pw"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> EsConnection.plain("ftp://es1"));
    assertThrows(IllegalArgumentException.class, () -> EsConnection.plain(" , "));
  }

  @Test
  void toStringAndErrorSentencesNameTheKindOfCredentialsOnly() {
    EsConnection key = new EsConnection("https://es1:9200,https://es2:9200", "a2V5LXNlY3JldA==", null, null, null);
    assertEquals("https://es1:9200, https://es2:9200 (API key)", key.toString());
    EsConnection pw = new EsConnection("https://es1:9200", null, "archivist", "pw-secret", null);
    assertEquals("https://es1:9200 (user archivist)", pw.toString());
    assertFalse(pw.explain(new java.net.ConnectException("refused")).contains("pw-secret"));
    assertTrue(pw.explain(new java.net.ConnectException("refused")).startsWith("cannot connect to Elasticsearch at https://es1:9200"));
  }

  @Test
  void aCaFileWithoutCertificatesIsOneSentence(@TempDir Path tmp) throws Exception {
    Path empty = Files.writeString(tmp.resolve("ca.pem"), "not a certificate\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EsConnection.sslContext(empty));
    assertTrue(e.getMessage().startsWith("cannot read the CA certificate " + empty), e.getMessage());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> EsConnection.sslContext(tmp.resolve("none.pem")));
    assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
  }
}
