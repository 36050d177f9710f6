package io.tokenlogin.keycloak.magiclink;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The small pure pieces of the magic link: secrets (256 bits, URL-safe), their hashes (what the store keys on), the
 * two-digit matching code and its decoys (drawn once per link), email normalisation. Pure Java.
 */
public final class MagicLinkCodes {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern EMAIL = Pattern.compile("[^\\s@]{1,64}@[^\\s@]{1,189}\\.[^\\s@.]{1,63}");
    /** Codes offered on the other device: a blind pick is right one time in six, and a wrong pick ends the link. */
    public static final int CHOICES = 6;

    private MagicLinkCodes() {
    }

    /** 32 random bytes, base64url without padding (43 characters). */
    /** A one-time code of {@code length} decimal digits (uniform, SecureRandom). */
    static String newEmailCode(int length) {
        StringBuilder code = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            code.append((char) ('0' + RANDOM.nextInt(10)));
        }
        return code.toString();
    }

    /** The stored form of an email code: bound to its link, so a code never matches another link's. */
    static String emailCodeHash(String linkHash, String code) {
        return hash(linkHash + "\n" + code);
    }

    public static String newSecret() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time comparison of two strings (hashes, codes). */
    public static boolean same(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /** The code the waiting tab shows: two digits, 10–99. */
    public static String newCode() {
        return Integer.toString(10 + RANDOM.nextInt(90));
    }

    /** The code and {@link #CHOICES}-1 different decoys, shuffled; drawn once per link and stored with it. */
    public static List<String> choices(String code) {
        Set<String> set = new LinkedHashSet<>();
        set.add(code);
        while (set.size() < CHOICES) {
            set.add(newCode());
        }
        List<String> list = new ArrayList<>(set);
        Collections.shuffle(list, RANDOM);
        return list;
    }

    /** The stored choices of a link (comma-separated), or empty when the note is missing or does not hold the code. */
    public static List<String> storedChoices(String note, String code) {
        if (note == null || note.isBlank()) {
            return List.of();
        }
        List<String> list = List.of(note.split(","));
        return list.contains(code) ? list : List.of();
    }

    /** Trimmed, lower case; null when it does not look like an address. */
    public static String normaliseEmail(String input) {
        if (input == null) {
            return null;
        }
        String email = input.trim().toLowerCase(Locale.ROOT);
        return email.length() <= 254 && EMAIL.matcher(email).matches() ? email : null;
    }

    /** A short human description of a user agent: "Firefox on Linux". */
    public static String describeBrowser(String userAgent) {
        if (userAgent == null || userAgent.isBlank()) {
            return "an unknown browser";
        }
        String ua = userAgent;
        String browser = ua.contains("Edg/") ? "Edge" : ua.contains("OPR/") ? "Opera" : ua.contains("Firefox/") ? "Firefox"
                : ua.contains("Chrome/") || ua.contains("Chromium/") ? "Chrome" : ua.contains("Safari/") ? "Safari"
                : ua.contains("curl/") ? "curl" : "a browser";
        String os = ua.contains("Android") ? "Android" : ua.contains("iPhone") || ua.contains("iPad") ? "iOS"
                : ua.contains("Windows") ? "Windows" : ua.contains("Mac OS X") ? "macOS" : ua.contains("Linux") ? "Linux" : null;
        return os == null ? browser : browser + " on " + os;
    }
}
