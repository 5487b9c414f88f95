package io.cloudprovisioner.catalog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class MoneyTest {
    static final PriceSource SOURCE = new PriceSource("s", io.cloudprovisioner.domain.Provider.AWS, "bundled", "test", "here", "MIT", "2026-01-01", false, false);

    @Test
    void aTotalIsTheExactDecimalProductRoundedOnce() {
        // in binary floating point 0.1 × 3 is 0.30000000000000004 and 0.0001 × 800007 is 80.00070000000001
        assertEquals(0.30000000000000004, 0.1 * 3);
        assertEquals("0.3", Money.text(Money.total(Money.decimal(0.1), 3, 1)));
        assertEquals("80.0007", Money.text(Money.total(Money.decimal(0.0001), 800007, 1)));
        assertEquals(80.0007, Money.total(Money.decimal(0.0001), 800007, 1).doubleValue());
        assertEquals("0.5", Money.text(Money.total(Money.decimal(0.1), 5, 1)));
        assertEquals("1200", Money.text(Money.total(Money.decimal(1.2), 1000, 1)));
        assertEquals("0.000002", Money.text(Money.total(new BigDecimal("0.0000005"), 5, 1)), "half-even at 6 places");
        assertEquals("0", Money.text(Money.total(BigDecimal.ZERO, 730, 3)));
    }

    @Test
    void hourlyPricesKeepTheirSourceDigits() {
        assertEquals("0.099", Money.text(Money.hourly(new PriceQuote(Double.parseDouble("0.0990000000"), SOURCE,
                false, 0))));
        assertEquals("0.90006", Money.text(Money.hourly(new PriceQuote(0.90006, SOURCE, false, 0))));
    }

    @Test
    void aMonthlyQuoteIsDividedIn10Decimals() {
        PriceQuote q = new PriceQuote(6.0 / 730, SOURCE, true, 6.0);
        assertEquals("0.0082191781", Money.text(Money.hourly(q)));
        assertEquals("6", Money.text(Money.total(q, 730, 1)), "730 hours of a monthly quote cost the monthly price");
        assertEquals("3", Money.text(Money.total(q, 365, 1)));
        assertEquals("0.008219", Money.text(Money.total(q, 1, 1)));
    }

    @Test
    void infinitiesAreNoMoney() {
        assertThrows(IllegalArgumentException.class, () -> Money.decimal(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Money.decimal(Double.POSITIVE_INFINITY));
    }
}
