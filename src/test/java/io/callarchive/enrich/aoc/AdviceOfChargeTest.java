package io.callarchive.enrich.aoc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.callarchive.enrich.RawFields;
import io.callarchive.enrich.EventDocs;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AdviceOfChargeTest {

  private static AdviceOfCharge decode(String action, String... lines) {
    return AdviceOfCharge.decode(action, RawFields.of(EventDocs.fields(lines)));
  }

  @ParameterizedTest(name = "{0} x {1} = {2}")
  @CsvSource({
    "123, 1/1000, 0.123",
    "123, 1/100, 1.23",
    "123, 1/10, 12.3",
    "123, 1, 123",
    "123, 10, 1230",
    "123, 100, 12300",
    "123, 1000, 123000",
    "7, OneThousandth, 0.007",
    "7, Thousand, 7000",
    "0, 1/100, 0",
  })
  void everyMultiplierScalesTheCostExactly(String cost, String multiplier, String expected) {
    BigDecimal amount = AdviceOfCharge.amount(cost, multiplier);
    assertEquals(0, new BigDecimal(expected).compareTo(amount), () -> "got " + amount);
  }

  @Test
  void tenthsStayExactWhereDoubleArithmeticWouldNot() {
    assertEquals(0.30000000000000004, 3 * 0.1); // what multiplying as doubles would store
    assertEquals(new BigDecimal("0.3"), AdviceOfCharge.amount("3", "1/10"));
    assertEquals(0.3, AdviceOfCharge.amount("3", "1/10").doubleValue());
  }

  @ParameterizedTest
  @CsvSource(value = {"123, 1/3", "123, ", ", 1/100", "abc, 1"}, nullValues = "")
  void unknownCostOrMultiplierGivesNoAmount(String cost, String multiplier) {
    assertNull(AdviceOfCharge.amount(cost, multiplier));
  }

  @Test
  void legacyAocDCurrencyIsDecoded() {
    AdviceOfCharge a =
        decode(
            "AOC-D",
            "Channel: DAHDI/i1/555-1",
            "Type: Currency",
            "BillingID: Normal",
            "TypeOfCharging: SubTotal",
            "Currency: EUR",
            "Currency/Amount/Cost: 250",
            "Currency/Amount/Multiplier: 1/100");
    assertEquals("D", a.type());
    assertEquals("Currency", a.chargeType());
    assertEquals(new BigDecimal("2.50"), a.amount());
    assertEquals("EUR", a.currency());
    assertEquals("Normal", a.billingId());
    assertEquals("SubTotal", a.totalType());
    assertNull(a.units());
  }

  @Test
  void slashPathAocDCurrencyIsDecoded() {
    AdviceOfCharge a =
        decode(
            "AOC-D",
            "Charge/Type: Currency",
            "Charge/BillingID: CreditCard",
            "Charge/TotalType: Total",
            "Charge/Currency/Name: USD",
            "Charge/Currency/Cost: 1234",
            "Charge/Currency/Multiplier: 1/1000");
    assertEquals(new BigDecimal("1.234"), a.amount());
    assertEquals("USD", a.currency());
    assertEquals("CreditCard", a.billingId());
    assertEquals("Total", a.totalType());
  }

  @Test
  void slashPathUnitsAreSummed() {
    AdviceOfCharge a =
        decode(
            "AOC-E",
            "Charge/Type: Units",
            "Charge/BillingID: Normal",
            "Charge/Units(0)/NumberOf: 3",
            "Charge/Units(0)/TypeOf: 1",
            "Charge/Units(1)/NumberOf: 4",
            "Charge/Units(1)/TypeOf: 1",
            "ChargingAssociation/Number: 5551234",
            "ChargingAssociation/Plan: 1");
    assertEquals("E", a.type());
    assertEquals(7L, a.units());
    assertNull(a.amount());
    assertEquals(2, a.unitEntries().size());
    assertEquals("5551234", a.associationNumber());
    assertEquals("1", a.associationPlan());
  }

  @Test
  void legacyUnitsAreSummed() {
    AdviceOfCharge a =
        decode(
            "AOC-D",
            "Type: Units",
            "Units/NumberItems: 2",
            "Units/Item(0)/NumberOf: 10",
            "Units/Item(1)/NumberOf: 5");
    assertEquals(15L, a.units());
  }

  @Test
  void unitsOfDifferentTypesAreNotSummed() {
    AdviceOfCharge a =
        decode(
            "AOC-D",
            "Charge/Type: Units",
            "Charge/Units(0)/NumberOf: 3",
            "Charge/Units(0)/TypeOf: 1",
            "Charge/Units(1)/NumberOf: 4",
            "Charge/Units(1)/TypeOf: 2");
    assertNull(a.units());
    assertEquals(List.of(new AdviceOfCharge.UnitEntry(3L, 1), new AdviceOfCharge.UnitEntry(4L, 2)), a.unitEntries());
  }

  @Test
  void aUnitEntryWithoutNumberMakesTheTotalUnknown() {
    AdviceOfCharge a =
        decode("AOC-D", "Charge/Type: Units", "Charge/Units(0)/NumberOf: 3", "Charge/Units(1)/TypeOf: 1");
    assertNull(a.units());
  }

  @Test
  void freeChargeIsZeroAndNotAvailableHasNoAmount() {
    assertEquals(BigDecimal.ZERO, decode("AOC-D", "Charge/Type: Free").amount());
    assertEquals(BigDecimal.ZERO, decode("AOC-E", "Type: Free").amount());
    assertNull(decode("AOC-E", "Charge/Type: NotAvailable", "Charge/Currency/Cost: 5").amount());
    assertNull(decode("AOC-D", "Type: NotAvailable").amount());
  }

  @Test
  void legacyAocEAssociationPlanAndId() {
    AdviceOfCharge a =
        decode(
            "AOC-E",
            "ChargingAssociation/Number: 5551234",
            "ChargingAssociation/Number/Plan: 1",
            "Type: Currency",
            "Currency: EUR",
            "Currency/Amount/Cost: 5",
            "Currency/Amount/Multiplier: 10");
    assertEquals("5551234", a.associationNumber());
    assertEquals("1", a.associationPlan());
    assertEquals(new BigDecimal("5E+1"), a.amount());
    assertEquals("42", decode("AOC-E", "ChargingAssociation/ID: 42").associationId());
  }

  @Test
  void slashPathAocSWithSeveralRatesMatchesRatesBySuffix() {
    AdviceOfCharge a =
        decode(
            "AOC-S",
            "(null)(0)/Chargeable: BasicCommunication",
            "(null)(0)/Duration/Currency/Name: EUR",
            "(null)(0)/Duration/Currency/Cost: 5",
            "(null)(0)/Duration/Currency/Multiplier: 1/100",
            "(null)(0)/Duration/ChargingType: StepFunction",
            "(null)(0)/Duration/Time/Length: 1",
            "(null)(0)/Duration/Time/Scale: 4",
            "(null)(0)/Duration/Granularity/Length: 10",
            "(null)(0)/Duration/Granularity/Scale: 2",
            "(null)(1)/Chargeable: CallSetup",
            "(null)(1)/Flat/Currency/Name: EUR",
            "(null)(1)/Flat/Currency/Cost: 20",
            "(null)(1)/Flat/Currency/Multiplier: 1/100",
            "x(2)/Chargeable: UserUserInfo",
            "x(2)/Volume/Unit: Message",
            "x(2)/Volume/Currency/Name: EUR",
            "x(2)/Volume/Currency/Cost: 1",
            "x(2)/Volume/Currency/Multiplier: 1/10",
            "(null)(3)/Chargeable: SupplementaryService",
            "(null)(3)/SpecialCode: 7");
    assertEquals("S", a.type());
    assertEquals(4, a.rates().size());
    AdviceOfCharge.Rate d = a.rates().get(0);
    assertEquals("BasicCommunication", d.chargeable());
    assertEquals("Duration", d.type());
    assertEquals(new BigDecimal("0.05"), d.amount());
    assertEquals("EUR", d.currency());
    assertEquals("StepFunction", d.chargingType());
    assertEquals(TimeScale.MINUTE, d.timeScale());
    assertEquals(0, new BigDecimal(60).compareTo(d.timeSeconds()));
    assertEquals(0, BigDecimal.TEN.compareTo(d.granularitySeconds()));
    AdviceOfCharge.Rate f = a.rates().get(1);
    assertEquals("Flat", f.type());
    assertEquals(new BigDecimal("0.20"), f.amount());
    AdviceOfCharge.Rate v = a.rates().get(2);
    assertEquals("Volume", v.type());
    assertEquals("Message", v.volumeUnit());
    assertEquals(new BigDecimal("0.1"), v.amount());
    AdviceOfCharge.Rate s = a.rates().get(3);
    assertEquals("SpecialCode", s.type());
    assertEquals(7, s.specialCode());
    assertNull(s.amount());
  }

  @Test
  void legacyAocSRatesAreDecoded() {
    AdviceOfCharge a =
        decode(
            "AOC-S",
            "NumberRates: 2",
            "Rate(0)/Chargeable: BasicCommunication",
            "Rate(0)/Type: Duration",
            "Rate(0)/Duration/Currency: EUR",
            "Rate(0)/Duration/Amount/Cost: 12",
            "Rate(0)/Duration/Amount/Multiplier: 1/1000",
            "Rate(0)/Duration/ChargingType: ContinuousCharging",
            "Rate(0)/Duration/Time/Length: 30",
            "Rate(0)/Duration/Time/Scale: Second",
            "Rate(1)/Chargeable: CallAttempt",
            "Rate(1)/Type: Free");
    assertEquals(2, a.rates().size());
    AdviceOfCharge.Rate d = a.rates().get(0);
    assertEquals("Duration", d.type());
    assertEquals("EUR", d.currency());
    assertEquals(new BigDecimal("0.012"), d.amount());
    assertEquals(TimeScale.SECOND, d.timeScale());
    assertEquals(0, new BigDecimal(30).compareTo(d.timeSeconds()));
    assertEquals("Free", a.rates().get(1).type());
    assertEquals(BigDecimal.ZERO, a.rates().get(1).amount());
    assertTrue(a.unitEntries().isEmpty());
  }

  @ParameterizedTest
  @CsvSource({
    "0, ONE_HUNDREDTH_SECOND", "1, ONE_TENTH_SECOND", "2, SECOND", "3, TEN_SECONDS", "4, MINUTE", "5, HOUR",
    "6, DAY", "OneHundredthSecond, ONE_HUNDREDTH_SECOND", "TenSeconds, TEN_SECONDS", "hour, HOUR"
  })
  void timeScalesParseFromNumberOrName(String wire, TimeScale expected) {
    assertEquals(expected, TimeScale.parse(wire));
  }

  @Test
  void unknownTimeScaleIsNull() {
    assertNull(TimeScale.parse("7"));
    assertNull(TimeScale.parse("Week"));
  }

  @Test
  void otherEventsAreNotAdviceOfCharge() {
    assertNull(decode("Hangup", "Cause: 16"));
    assertEquals("S", AdviceOfCharge.typeOf("aoc-s"));
  }
}
