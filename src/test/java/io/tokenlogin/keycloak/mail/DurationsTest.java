package io.tokenlogin.keycloak.mail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How durations are shown (issue #12): days from two days on, else hours when whole, else minutes rounded up. */
class DurationsTest {

    @ParameterizedTest(name = "{0} s is {1} {2}")
    @CsvSource({
            "-5, 1, minutes",
            "0, 1, minutes",
            "1, 1, minutes",
            "30, 1, minutes",
            "59, 1, minutes",
            "60, 1, minutes",
            "61, 2, minutes",
            "90, 2, minutes",
            "120, 2, minutes",
            "300, 5, minutes",
            "3599, 60, minutes",
            "3600, 1, hours",
            "3660, 61, minutes",
            "5400, 90, minutes",
            "7200, 2, hours",
            "82800, 23, hours",
            "86399, 1440, minutes",
            "86400, 24, hours",
            "90000, 25, hours",
            "169200, 47, hours",
            "172800, 2, days",
            "176400, 49, hours",
            "259200, 3, days",
            "604800, 7, days",
            "2592000, 30, days",
    })
    void showsTheLargestWholeUnit(long seconds, long amount, String unit) {
        assertEquals(new Durations.Humane(amount, unit), Durations.of(seconds));
    }

    @Test
    void theMessageKeyNamesTheUnit() {
        assertEquals("tokenLogin.duration.minutes", Durations.of(300).messageKey());
        assertEquals("tokenLogin.duration.hours", Durations.of(86400).messageKey());
        assertEquals("tokenLogin.duration.days", Durations.of(172800).messageKey());
    }

    @Test
    void putsSecondsAmountUnitAndTheFormerMinutes() {
        Map<String, Object> model = new HashMap<>();
        Durations.put(model, "linkExpiration", 86400);
        assertEquals(Map.of("linkExpirationSeconds", 86400L, "linkExpirationAmount", 24L, "linkExpirationUnit", "hours",
                "linkExpirationMinutes", 1440L), model);
        model.clear();
        Durations.put(model, "lifetime", 30);
        assertEquals(Map.of("lifetimeSeconds", 30L, "lifetimeAmount", 1L, "lifetimeUnit", "minutes", "lifetimeMinutes", 1L), model);
    }
}
