package io.callarchive.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.localnode.LocalNode;
import io.callarchive.localnode.LocalNodeSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The lifecycle of {@code callarchive es start|stop|status}, on a node of its own (home and port). */
class LocalNodeIT {

  @Test
  void startRunsAsUnprivilegedUserIsIdempotentRefusesAForeignNodeAndStopLeavesNoProcess() throws Exception {
    LocalNodeSettings shared = TestCluster.settings();
    Path home = shared.home().resolveSibling("it-home-lifecycle");
    int port = shared.port() + 1;
    LocalNode node = new LocalNode(new LocalNodeSettings(
        home, shared.distribution(), port, 512, shared.javaHome(), shared.serviceUser(), Duration.ofMinutes(4)));
    try {
      assertTrue(node.start(), "the first start starts the node");
      long pid = node.runningPid().orElseThrow();
      LocalNode.Status status = node.status();
      assertTrue(status.running());
      assertEquals("9.2.0", status.probe().version());

      String owner = Files.getOwner(Path.of("/proc/" + pid)).getName();
      boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
      if (root) {
        assertNotEquals("root", owner, "Elasticsearch must not run as root");
        assertEquals(shared.serviceUser(), owner);
      } else {
        assertEquals(System.getProperty("user.name"), owner);
      }

      // The home remembers the port: status and stop with --home alone find this node, not one on 9200.
      NightIT.Run st = NightIT.cli("es", "status", "--home", home.toString());
      assertEquals(0, st.rc(), st.out() + st.err());
      assertTrue(st.out().startsWith("running: http://127.0.0.1:" + port + " (pid " + pid + ", Elasticsearch 9.2.0"), st.out());

      assertFalse(node.start(), "a second start is a no-op");
      assertEquals(pid, node.runningPid().orElseThrow());

      // Another home on the same port finds someone else's node there and says so.
      LocalNode other = new LocalNode(new LocalNodeSettings(
          home.resolveSibling("it-home-other"), shared.distribution(), port, 512, shared.javaHome(),
          shared.serviceUser(), Duration.ofMinutes(1)));
      IllegalStateException e = assertThrows(IllegalStateException.class, other::start);
      assertTrue(e.getMessage().contains("already answers on port " + port), e.getMessage());

      assertTrue(node.stop());
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the node process is gone");
      assertTrue(ProcessHandle.allProcesses()
          .noneMatch(p -> p.info().commandLine().orElse("").contains(home.toString())), "no process of that home is left");
      assertFalse(node.status().running());
      NightIT.Run stopped = NightIT.cli("es", "status", "--home", home.toString());
      assertEquals(3, stopped.rc());
      assertTrue(stopped.out().startsWith("stopped (home " + home + ", port " + port + ")"), stopped.out());
      assertFalse(stopped.out().contains("null"), stopped.out());
      assertFalse(node.stop(), "stopping a stopped node says so");
    } finally {
      node.stop();
    }
  }
}
