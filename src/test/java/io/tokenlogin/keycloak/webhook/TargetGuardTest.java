package io.tokenlogin.keycloak.webhook;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** C17: webhook targets on internal networks are refused unless the realm allows them. */
class TargetGuardTest {

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/hook", "http://localhost:8080/hook", "http://[::1]/hook", "http://10.1.2.3/hook",
            "http://172.16.0.1/hook", "http://192.168.1.1/hook", "http://169.254.169.254/latest/meta-data", "http://100.64.0.1/hook",
            "http://[fc00::1]/hook", "http://[fe80::1]/hook", "http://0.0.0.0/hook", "ftp://93.184.216.34/x", "http://user@93.184.216.34/x",
            "not a url"})
    void C17_internalOrOddTargetsAreRefused(String url) {
        assertNotNull(TargetGuard.refusal(url, false), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.216.34/hook", "http://8.8.8.8:8080/hook", "https://[2606:4700:4700::1111]/hook"})
    void publicTargetsAreAllowed(String url) {
        assertNull(TargetGuard.refusal(url, false), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8500/hook", "http://10.1.2.3/hook"})
    void theRealmMayAllowPrivateTargets(String url) {
        assertNull(TargetGuard.refusal(url, true), url);
    }
}
