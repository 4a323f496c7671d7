package io.callarchive.enrich.rtcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class EModelTest {
  private static final double[] LOSS = {0, 0.1, 0.5, 1, 2, 3, 5, 8, 12, 20, 35, 50, 75, 100};
  private static final double[] JITTER = {0, 1, 5, 10, 20, 40, 80, 150, 300, 600};
  private static final double[] DELAY = {0, 10, 50, 100, 150, 177.3, 200, 300, 500, 1000, 3000};

  @Test
  void g711WithoutLossAndLowDelayRatesAboutNinetyThreeAndMosFourPointFour() {
    EModel.Estimate e = EModel.estimate(CodecProfile.G711, 0, 0, 0);
    assertEquals(93.2, e.r(), 0.5);
    assertEquals(4.4, e.mos(), 0.05);
  }

  @Test
  void g711AtTheDefaultRatingMapsToTheG107Mos() {
    // G.107 Annex B at R = 93.2: 1 + 0.035 R + R (R - 60)(100 - R) 7e-6
    double r = 93.2;
    assertEquals(1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6, EModel.mos(r), 1e-12);
    assertTrue(EModel.mos(r) > 4.4 && EModel.mos(r) < 4.42);
  }

  @Test
  void g729aWithoutLossRatesBelowG711() {
    EModel.Estimate g711 = EModel.estimate(CodecProfile.G711, 0, 5, 20);
    EModel.Estimate g729 = EModel.estimate(CodecProfile.G729A, 0, 5, 20);
    assertEquals(CodecProfile.G729A.ie, g711.r() - g729.r(), 1e-9);
    assertTrue(g729.mos() < g711.mos());
  }

  @Test
  void unknownProfileIsRatedAsG711() {
    assertEquals(EModel.estimate(CodecProfile.G711, 2, 10, 40), EModel.estimate(null, 2, 10, 40));
  }

  @ParameterizedTest
  @EnumSource(CodecProfile.class)
  void mosNeverRisesAsLossJitterOrDelayGrows(CodecProfile codec) {
    for (double j : JITTER) {
      for (double d : DELAY) {
        double prev = Double.MAX_VALUE;
        for (double l : LOSS) {
          double mos = EModel.estimate(codec, l, j, d).mos();
          assertTrue(mos <= prev, () -> codec + " loss grid at jitter " + j + " delay " + d);
          prev = mos;
        }
      }
    }
    for (double l : LOSS) {
      for (double d : DELAY) {
        double prev = Double.MAX_VALUE;
        for (double j : JITTER) {
          double mos = EModel.estimate(codec, l, j, d).mos();
          assertTrue(mos <= prev, () -> codec + " jitter grid at loss " + l + " delay " + d);
          prev = mos;
        }
      }
    }
    for (double l : LOSS) {
      for (double j : JITTER) {
        double prev = Double.MAX_VALUE;
        for (double d : DELAY) {
          double mos = EModel.estimate(codec, l, j, d).mos();
          assertTrue(mos <= prev, () -> codec + " delay grid at loss " + l + " jitter " + j);
          prev = mos;
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(CodecProfile.class)
  void mosStaysWithinOneAndFourPointFive(CodecProfile codec) {
    double[] odd = {-50, -1, Double.NaN, 0, 1e9};
    for (double l : concat(LOSS, odd)) {
      for (double j : concat(JITTER, odd)) {
        for (double d : concat(DELAY, odd)) {
          double mos = EModel.estimate(codec, l, j, d).mos();
          assertTrue(mos >= 1.0 && mos <= 4.5, () -> codec + " " + l + "/" + j + "/" + d + " gave " + mos);
        }
      }
    }
  }

  @Test
  void heavyLossOrDelayBottomsOut() {
    // Ie,eff saturates below 95, so total loss leaves R near 17: "nearly all users dissatisfied", not exactly 1
    assertTrue(EModel.estimate(CodecProfile.G711, 100, 0, 0).mos() < 1.3);
    assertEquals(1.0, EModel.estimate(CodecProfile.G711, 0, 0, 5000).mos());
  }

  @Test
  void mosMappingIsClampedAndMonotone() {
    assertEquals(1.0, EModel.mos(-10));
    assertEquals(1.0, EModel.mos(3)); // the raw formula gives just under 1 here
    assertEquals(4.5, EModel.mos(120));
    double prev = 0;
    for (double r = -5; r <= 105; r += 0.25) {
      double m = EModel.mos(r);
      assertTrue(m >= prev, "R " + r);
      prev = m;
    }
  }

  @Test
  void effectiveLatencyCountsJitterTwiceAndTenMillisecondsOfProcessing() {
    assertEquals(10.0, EModel.effectiveLatencyMs(0, 0));
    assertEquals(100 + 2 * 15 + 10, EModel.effectiveLatencyMs(100, 15), 1e-12);
  }

  @ParameterizedTest
  @CsvSource({"0, 0", "100, 2.4", "177.3, 4.2552", "277.3, 17.6552"})
  void delayImpairmentFollowsColeAndRosenbluth(double d, double expected) {
    // 0.024 d below the knee; above it 0.11 per ms more: at 277.3 ms, 6.6552 + 11
    assertEquals(expected, EModel.delayImpairment(d), 1e-9);
  }

  @Test
  void effectiveEquipmentImpairmentStartsAtIeAndApproachesNinetyFive() {
    for (CodecProfile c : CodecProfile.values()) {
      assertEquals(c.ie, EModel.ieEff(c.ie, c.bpl, 0, 1), 1e-12);
      // at Ppl = Bpl (BurstR 1) the formula is halfway from Ie to 95
      assertEquals((c.ie + 95) / 2, EModel.ieEff(c.ie, c.bpl, c.bpl, 1), 1e-9);
      assertTrue(EModel.ieEff(c.ie, c.bpl, 100, 1) < 95);
    }
  }

  @Test
  void concealmentRobustnessOrdersTheLossPenalty() {
    // same Ie (0) for both, so a higher Bpl must mean a smaller penalty at the same loss
    double plc = EModel.ieEff(0, 25.1, 5, 1);
    double noPlc = EModel.ieEff(0, 4.3, 5, 1);
    assertTrue(plc < noPlc);
  }

  @ParameterizedTest
  @CsvSource({"G711, 0, 25.1", "G729A, 11, 19.0", "G723_1, 15, 16.1"})
  void g113ProfilesCarryTheTableValues(CodecProfile p, double ie, double bpl) {
    // ITU-T G.113 (11/2007) Appendix I, Table I.3
    assertEquals(ie, p.ie);
    assertEquals(bpl, p.bpl);
    assertTrue(p.fromG113);
  }

  private static double[] concat(double[] a, double[] b) {
    double[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
