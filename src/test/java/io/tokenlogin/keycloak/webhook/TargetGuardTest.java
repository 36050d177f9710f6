package io.tokenlogin.keycloak.webhook;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /** D14: every special-purpose range of IPv4 and IPv6, and IPv6 forms that carry an IPv4 address, is refused. */
    @ParameterizedTest
    @ValueSource(strings = {"http://[::127.0.0.1]/hook", "http://[::ffff:127.0.0.1]/hook", "http://[::ffff:10.0.0.1]/hook",
            "http://[64:ff9b::7f00:1]/hook", "http://[64:ff9b:1::1]/hook", "http://[2002:7f00:1::1]/hook", "http://[2001:0:4136:e378::1]/hook",
            "http://198.18.0.1/hook", "http://198.19.255.1/hook", "http://192.0.0.8/hook", "http://192.0.2.1/hook",
            "http://198.51.100.7/hook", "http://203.0.113.9/hook", "http://224.0.0.1/hook", "http://239.1.1.1/hook",
            "http://240.0.0.1/hook", "http://255.255.255.255/hook", "http://0.1.2.3/hook", "http://192.88.99.1/hook",
            "http://[2001:db8::1]/hook", "http://[ff02::1]/hook", "http://[100::1]/hook", "http://[::]/hook", "http://[fec0::1]/hook"})
    void D14_specialPurposeAndEmbeddedIpv4TargetsAreRefused(String url) {
        assertNotNull(TargetGuard.refusal(url, false), url);
    }

    /** D14: DNS rebinding: the host is resolved once and the delivery connects to exactly the address checked. */
    @Test
    void D14_theAddressCheckedIsTheAddressConnectedTo() throws Exception {
        AtomicInteger lookups = new AtomicInteger();
        TargetGuard.Resolver rebinding = host -> lookups.getAndIncrement() == 0
                ? new InetAddress[]{InetAddress.getByName("93.184.216.34")}
                : new InetAddress[]{InetAddress.getByName("127.0.0.1")};
        TargetGuard.Plan plan = TargetGuard.plan("https://hooks.partner.example/in", false, rebinding);
        assertNull(plan.refusal());
        assertEquals(InetAddress.getByName("93.184.216.34"), plan.target().address(), "pinned to the checked address");
        assertEquals(1, lookups.get(), "resolved once: nothing resolves the name again before connecting");
        // and a name that resolves to any private address among public ones is refused outright
        TargetGuard.Resolver mixed = host -> new InetAddress[]{InetAddress.getByName("93.184.216.34"), InetAddress.getByName("10.0.0.5")};
        assertNotNull(TargetGuard.plan("https://mixed.partner.example/in", false, mixed).refusal());
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
