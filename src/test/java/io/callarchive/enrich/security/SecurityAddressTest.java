package io.callarchive.enrich.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SecurityAddressTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      nullValues = "-",
      value = {
        // input                              family transport ip              port
        "IPV4/UDP/203.0.113.5/5060,          ipv4, udp, 203.0.113.5,    5060",
        "IPV4/TCP/127.0.0.1/55096,           ipv4, tcp, 127.0.0.1,      55096",
        "IPV4/TLS/198.51.100.7/5061,         ipv4, tls, 198.51.100.7,   5061",
        "IPV4/WS/198.51.100.7/8088,          ipv4, ws,  198.51.100.7,   8088",
        "IPV4/WSS/198.51.100.7/8089,         ipv4, wss, 198.51.100.7,   8089",
        "IPV6/UDP/[2001:db8::1]/5060,        ipv6, udp, 2001:db8::1,    5060",
        "IPV6/TCP/[2001:DB8:0:0:0:0:0:2]/5,  ipv6, tcp, 2001:db8:0:0:0:0:0:2, 5",
        "IPV4/127.0.0.1/5038,                ipv4, -,   127.0.0.1,      5038",
        "IPV6/[::1]/5038,                    ipv6, -,   ::1,            5038",
        "ipv4/udp/10.0.0.1/5060,             ipv4, udp, 10.0.0.1,       5060",
        "IPV6/UDP/[::ffff:192.0.2.1]/5060,   ipv4, udp, 192.0.2.1,      5060",
        "IPV6/UDP/[fe80::1%eth0]/5060,       ipv6, udp, fe80::1,        5060",
        "IPV4/UDP/1.2.3.4,                   ipv4, udp, 1.2.3.4,        -",
        "IPV4/UDP/1.2.3.4/99999,             ipv4, udp, 1.2.3.4,        -",
        "IPV4/UDP/1.2.3.4/,                  ipv4, udp, 1.2.3.4,        -",
        "IPV4/UDP/host.example.com/5060,     ipv4, udp, -,              5060",
        "IPV4/UDP//5060,                     ipv4, udp, -,              5060",
        "IPV4/FOO/1.2.3.4/5060,              ipv4, -,   1.2.3.4,        5060",
        "203.0.113.9:5060,                   ipv4, -,   203.0.113.9,    5060",
        "[2001:db8::2]:5061,                 ipv6, -,   2001:db8::2,    5061",
        "2001:db8::3,                        ipv6, -,   2001:db8::3,    -",
        "192.0.2.55,                         ipv4, -,   192.0.2.55,     -",
        "not an address,                     -,    -,   -,              -",
        "IPV4/,                              ipv4, -,   -,              -"
      })
  void asteriskAddressesAndOddFormsAreSplitIntoTheirParts(
      String input, String family, String transport, String ip, Integer port) {
    SecurityAddress a = SecurityAddress.parse(input);
    assertEquals(family, a.family(), "family");
    assertEquals(transport, a.transport(), "transport");
    assertEquals(ip, a.ip(), "ip");
    assertEquals(port, a.port(), "port");
  }

  @Test
  void absentAddressIsNull() {
    assertNull(SecurityAddress.parse(null));
    assertNull(SecurityAddress.parse("  "));
  }
}
