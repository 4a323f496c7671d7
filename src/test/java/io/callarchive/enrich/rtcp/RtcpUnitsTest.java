package io.callarchive.enrich.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RtcpUnitsTest {

  @ParameterizedTest
  @CsvSource({"0, 0", "1, 0.390625", "64, 25", "128, 50", "255, 99.609375"})
  void fractionLostIsEighthBitFixedPoint(long wire, double pct) {
    assertEquals(pct, RtcpUnits.fractionLostPct(wire), 1e-12);
  }

  @Test
  void fractionLostOutsideEightBitsIsUnreadable() {
    assertNull(RtcpUnits.fractionLostPct(256L));
    assertNull(RtcpUnits.fractionLostPct(-1L));
    assertNull(RtcpUnits.fractionLostPct(null));
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0", "62857, 62857", "8388607, 8388607", "8388608, -8388608", "16777215, -1", "16777214, -2",
    "-3, -3", "16777216, 16777216"
  })
  void asteriskCumulativeLossIsTwentyFourBitSigned(long printed, long expected) {
    assertEquals(expected, RtcpUnits.cumulativeLost24(printed));
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "12, 12", "4294967295, -1", "4294967294, -2", "2147483648, -2147483648", "-5, -5"})
  void freeswitchCumulativeLossIsThirtyTwoBitSigned(long printed, long expected) {
    assertEquals(expected, RtcpUnits.cumulativeLost32(printed));
  }

  @ParameterizedTest
  @CsvSource({"160, 8000, 20", "80, 8000, 10", "320, 16000, 20", "960, 48000, 20", "0, 8000, 0", "1, 8000, 0.125"})
  void jitterTimestampUnitsBecomeMilliseconds(long units, int rate, double ms) {
    assertEquals(ms, RtcpUnits.jitterMs(units, rate), 1e-12);
  }

  @ParameterizedTest
  @CsvSource({"0.0213, 21.3", "'0.3830 (sec)', 383", "0.0000(sec), 0", "1.5, 1500"})
  void secondsBecomeMilliseconds(String printed, double ms) {
    assertEquals(ms, RtcpUnits.secondsToMs(printed), 1e-9);
  }

  @Test
  void unreadableSecondsAreNull() {
    assertNull(RtcpUnits.secondsToMs("n/a"));
    assertNull(RtcpUnits.secondsToMs(null));
    assertNull(RtcpUnits.leadingNumber("NaN"));
  }

  @ParameterizedTest
  @CsvSource({
    "0x0011aabb, false, 0011aabb", "0x0011AABB, false, 0011aabb", "0011AABB, false, 0011aabb",
    "16777217, true, 01000001", "2314535167, true, 89f500ff", "ffffffff, false, ffffffff"
  })
  void ssrcIsLowercaseHexWithoutPrefix(String printed, boolean decimal, String expected) {
    assertEquals(expected, RtcpUnits.ssrc(printed, decimal));
  }

  @Test
  void unreadableSsrcIsNull() {
    assertNull(RtcpUnits.ssrc("zz", false));
    assertNull(RtcpUnits.ssrc("4294967296", true));
  }

  @ParameterizedTest
  @CsvSource({
    "192.168.1.5:60377, 192.168.1.5, 60377", "'[2001:db8::1]:4000', 2001:db8::1, 4000", "10.0.0.1, 10.0.0.1,",
    "2001:db8::2, 2001:db8::2,", "10.0.0.1:99999, 10.0.0.1,"
  })
  void endpointsSplitIntoAddressAndPort(String printed, String ip, Integer port) {
    RtcpUnits.Endpoint e = RtcpUnits.endpoint(printed);
    assertEquals(ip, e.ip());
    assertEquals(port, e.port());
  }

  @ParameterizedTest
  @CsvSource({
    "ulaw, 8000, G711", "PCMA, 8000, G711", "G729, 8000, G729A", "G.729A, 8000, G729A", "g722, 8000, G722",
    "G722, 8000, G722", "gsm, 8000, GSM_FR", "iLBC@30i, 8000, ILBC", "opus, 48000, OPUS", "'(ulaw|alaw)', 8000, G711",
    "opus/48000/2, 48000, OPUS", "slin16, 16000,", "speex32, 32000,"
  })
  void codecsMapToClockRateAndProfile(String name, Integer rate, CodecProfile profile) {
    Codecs.Codec c = Codecs.lookup(name);
    assertEquals(rate, c.clockRate());
    assertEquals(profile, c.profile());
  }

  @Test
  void unknownCodecIsNull() {
    assertNull(Codecs.lookup("mystery"));
    assertNull(Codecs.lookup(" "));
    assertNull(Codecs.lookup(null));
  }
}
