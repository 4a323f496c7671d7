package io.callarchive.enrich.sdp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class StaticPayloadsTest {

  // RFC 3551 §6 tables 4 and 5
  @ParameterizedTest(name = "PT {0} = {1}")
  @CsvSource({
    "0,PCMU/8000", "3,GSM/8000", "4,G723/8000", "5,DVI4/8000", "6,DVI4/16000", "7,LPC/8000", "8,PCMA/8000",
    "9,G722/8000", "10,L16/44100/2", "11,L16/44100", "12,QCELP/8000", "13,CN/8000", "14,MPA/90000",
    "15,G728/8000", "16,DVI4/11025", "17,DVI4/22050", "18,G729/8000", "25,CelB/90000", "26,JPEG/90000",
    "28,nv/90000", "31,H261/90000", "32,MPV/90000", "33,MP2T/90000", "34,H263/90000"
  })
  void staticPayloadTypeWithoutRtpmapIsResolvedAndListedInTheTable(int pt, String label) {
    assertEquals(label, StaticPayloads.of(pt).label());
    assertEquals(pt, StaticPayloads.of(pt).pt());
    Sdp sdp = SdpParser.parse("v=0\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP " + pt + "\r\n");
    assertEquals(label, sdp.primary().codecs().get(0).label());
    assertEquals(false, sdp.partial());
  }

  @ParameterizedTest(name = "PT {0}")
  @ValueSource(ints = {1, 2, 19, 20, 72, 76, 96, 101, 127})
  void reservedAndDynamicPayloadTypesHaveNoStaticCodec(int pt) {
    assertNull(StaticPayloads.of(pt));
  }
}
