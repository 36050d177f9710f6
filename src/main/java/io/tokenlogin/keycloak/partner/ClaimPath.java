package io.tokenlogin.keycloak.partner;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A dotted claim path such as {@code user.uuid}; a path without dots names a top-level claim. */
public final class ClaimPath {

    private final String text;
    private final List<String> segments;

    private ClaimPath(String text, List<String> segments) {
        this.text = text;
        this.segments = segments;
    }

    /** Parses {@code a.b.c}; throws {@link IllegalArgumentException} for null, blank, or an empty segment. */
    public static ClaimPath parse(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("Claim path must not be blank");
        }
        String[] parts = path.split("\\.", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                throw new IllegalArgumentException("Claim path has an empty segment");
            }
        }
        return new ClaimPath(path, List.of(parts));
    }

    /** The path segments, outermost first. */
    public List<String> segments() {
        return segments;
    }

    /**
     * Walks nested maps. Empty when a segment is absent, a value on the way is null or not a map, or the final value
     * is null.
     */
    public Optional<Object> resolve(Map<String, Object> claims) {
        Object current = claims;
        for (String segment : segments) {
            if (!(current instanceof Map<?, ?> map)) {
                return Optional.empty();
            }
            current = map.get(segment);
            if (current == null) {
                return Optional.empty();
            }
        }
        return Optional.of(current);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ClaimPath that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The original dotted text. */
    @Override
    public String toString() {
        return text;
    }
}
