package io.tokenlogin.keycloak.partner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ClaimPath}: parsing dotted paths and resolving them in nested claim maps. */
class ClaimPathTest {

    private static final Map<String, Object> CLAIMS = claims();

    private static Map<String, Object> claims() {
        Map<String, Object> user = new HashMap<>();
        user.put("uuid", "44b8cc41");
        user.put("email", null);
        user.put("profile", Map.of("picture", "https://img.example/p.jpg"));
        Map<String, Object> claims = new HashMap<>();
        claims.put("sub", 1234L);
        claims.put("user", user);
        claims.put("flat", "value");
        claims.put("nothing", null);
        claims.put("list", List.of(Map.of("a", 1L)));
        return claims;
    }

    @Test
    void pathWithoutDotsIsTopLevel() {
        ClaimPath path = ClaimPath.parse("sub");
        assertEquals(List.of("sub"), path.segments());
        assertEquals(Optional.of(1234L), path.resolve(CLAIMS));
    }

    @Test
    void dottedPathIsSplitIntoSegments() {
        assertEquals(List.of("user", "uuid"), ClaimPath.parse("user.uuid").segments());
        assertEquals(List.of("a", "b", "c"), ClaimPath.parse("a.b.c").segments());
    }

    @Test
    void toStringIsTheOriginalText() {
        assertEquals("user.picture_url", ClaimPath.parse("user.picture_url").toString());
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "\t", "a..b", ".a", "a.", ".", ".."})
    void blankOrEmptySegmentIsRejected(String path) {
        assertThrows(IllegalArgumentException.class, () -> ClaimPath.parse(path));
    }

    @Test
    void nestedValueIsResolved() {
        assertEquals(Optional.of("44b8cc41"), ClaimPath.parse("user.uuid").resolve(CLAIMS));
        assertEquals(Optional.of("https://img.example/p.jpg"),
                ClaimPath.parse("user.profile.picture").resolve(CLAIMS));
    }

    @Test
    void intermediateMapIsReturnedAsIs() {
        assertTrue(ClaimPath.parse("user.profile").resolve(CLAIMS).orElseThrow() instanceof Map);
    }

    @Test
    void absentSegmentIsEmpty() {
        assertEquals(Optional.empty(), ClaimPath.parse("missing").resolve(CLAIMS));
        assertEquals(Optional.empty(), ClaimPath.parse("user.missing").resolve(CLAIMS));
        assertEquals(Optional.empty(), ClaimPath.parse("missing.deeper").resolve(CLAIMS));
    }

    @Test
    void nullValueIsEmpty() {
        assertEquals(Optional.empty(), ClaimPath.parse("nothing").resolve(CLAIMS));
        assertEquals(Optional.empty(), ClaimPath.parse("user.email").resolve(CLAIMS));
        assertEquals(Optional.empty(), ClaimPath.parse("nothing.deeper").resolve(CLAIMS));
    }

    @Test
    void nonMapIntermediateIsEmpty() {
        assertEquals(Optional.empty(), ClaimPath.parse("flat.deeper").resolve(CLAIMS));
        assertEquals(Optional.empty(), ClaimPath.parse("sub.x").resolve(CLAIMS));
        assertEquals(Optional.empty(), ClaimPath.parse("list.a").resolve(CLAIMS));
        assertEquals(Optional.empty(), ClaimPath.parse("list.0").resolve(CLAIMS));
    }

    @Test
    void nullClaimsAreEmpty() {
        assertEquals(Optional.empty(), ClaimPath.parse("sub").resolve(null));
    }

    @Test
    void equalityFollowsTheText() {
        assertEquals(ClaimPath.parse("user.uuid"), ClaimPath.parse("user.uuid"));
        assertEquals(ClaimPath.parse("user.uuid").hashCode(), ClaimPath.parse("user.uuid").hashCode());
        assertNotEquals(ClaimPath.parse("user.uuid"), ClaimPath.parse("user.email"));
    }
}
