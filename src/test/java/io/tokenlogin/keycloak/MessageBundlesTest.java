package io.tokenlogin.keycloak;

import io.tokenlogin.keycloak.mail.Durations;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Message bundles of the extension (pure file checks, read from the source tree as Keycloak reads them: UTF-8).
 * Every locale must have exactly the keys of messages_en, valid MessageFormat patterns with the same arguments, and no blank value.
 */
class MessageBundlesTest {

    /** Locales every bundle must offer; more are allowed. */
    static final Set<String> REQUIRED_LOCALES =
            Set.of("en", "de", "es", "fr", "it", "nl", "pt_BR", "pl", "sv", "ja", "zh_CN", "tr");

    static final Pattern BUNDLE_FILE = Pattern.compile("messages_(.+)\\.properties");
    static final Pattern ARGUMENT = Pattern.compile("\\{(\\d+)");

    /** The bundle directories (relative to the project directory) that have an English file. */
    static Stream<Path> bundleDirectories() {
        return Stream.of(
                        Path.of("src/main/resources/theme-resources/messages"),
                        Path.of("themes/token-login/login/messages"),
                        Path.of("themes/token-login/email/messages"))
                .filter(dir -> Files.isRegularFile(dir.resolve("messages_en.properties")));
    }

    @ParameterizedTest
    @MethodSource("bundleDirectories")
    void offersEveryRequiredLocale(Path dir) throws IOException {
        Set<String> missing = new TreeSet<>(REQUIRED_LOCALES);
        missing.removeAll(load(dir).keySet());
        assertTrue(missing.isEmpty(), () -> dir + ": no messages_<locale>.properties for locale(s) " + missing);
    }

    @ParameterizedTest
    @MethodSource("bundleDirectories")
    void everyLocaleHasExactlyTheEnglishKeys(Path dir) throws IOException {
        Map<String, Properties> bundles = load(dir);
        Set<String> english = bundles.get("en").stringPropertyNames();
        List<String> problems = new ArrayList<>();
        bundles.forEach((locale, messages) -> {
            Set<String> keys = messages.stringPropertyNames();
            for (String key : new TreeSet<>(english)) {
                if (!keys.contains(key)) problems.add("locale " + locale + ": key " + key + " is missing");
            }
            for (String key : new TreeSet<>(keys)) {
                if (!english.contains(key)) problems.add("locale " + locale + ": key " + key + " is not in messages_en (extra)");
            }
        });
        assertNoProblems(dir, problems);
    }

    @ParameterizedTest
    @MethodSource("bundleDirectories")
    void everyValueIsAValidMessageFormatWithTheEnglishArguments(Path dir) throws IOException {
        Map<String, Properties> bundles = load(dir);
        Properties english = bundles.get("en");
        List<String> problems = new ArrayList<>();
        bundles.forEach((locale, messages) -> {
            for (String key : new TreeSet<>(messages.stringPropertyNames())) {
                String value = messages.getProperty(key);
                String where = "locale " + locale + ", key " + key;
                try {
                    MessageFormat format = new MessageFormat(value);
                    // Choice branches such as "{1,number,integer} minutes" are only parsed when formatting: format too.
                    for (int n : new int[] {0, 1, 2, 15}) {
                        format.format(sampleArguments(n));
                    }
                } catch (IllegalArgumentException e) {
                    problems.add(where + ": not a valid MessageFormat pattern (" + e.getMessage() + "): " + value);
                }
                if (english.containsKey(key)) {
                    Set<Integer> expected = argumentIndexes(english.getProperty(key));
                    Set<Integer> actual = argumentIndexes(value);
                    if (!expected.equals(actual)) {
                        problems.add(where + ": uses arguments " + actual + " but messages_en uses " + expected + ": " + value);
                    }
                }
            }
        });
        assertNoProblems(dir, problems);
    }

    @ParameterizedTest
    @MethodSource("bundleDirectories")
    void noValueIsBlank(Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        load(dir).forEach((locale, messages) -> {
            for (String key : new TreeSet<>(messages.stringPropertyNames())) {
                if (messages.getProperty(key).isBlank()) problems.add("locale " + locale + ", key " + key + ": value is blank");
            }
        });
        assertNoProblems(dir, problems);
    }

    @ParameterizedTest
    @MethodSource("bundleDirectories")
    void noKeyIsDefinedTwice(Path dir) throws IOException {
        Map<String, Set<String>> duplicates = new TreeMap<>();
        load(dir, duplicates);
        List<String> problems = new ArrayList<>();
        duplicates.forEach((locale, keys) -> keys.forEach(key -> problems.add("locale " + locale + ", key " + key + ": defined more than once")));
        assertNoProblems(dir, problems);
    }

    /**
     * Keycloak formats every message with MessageFormat, where a single apostrophe starts a quoted section and vanishes:
     * a literal apostrophe (French l'adresse, Italian l'accesso, ...) must be written '' as in messages_en ("device''s").
     */
    @ParameterizedTest
    @MethodSource("bundleDirectories")
    void apostrophesAreDoubled(Path dir) throws IOException {
        List<String> problems = new ArrayList<>();
        load(dir).forEach((locale, messages) -> {
            for (String key : new TreeSet<>(messages.stringPropertyNames())) {
                String value = messages.getProperty(key);
                if (value.replace("''", "").contains("'")) {
                    problems.add("locale " + locale + ", key " + key + ": single apostrophe (write '' for a literal one): " + value);
                }
            }
        });
        assertNoProblems(dir, problems);
    }

    /**
     * Every message key our pages and mails use (static {@code msg("…")} calls in the templates, the duration keys
     * they build from a unit, and the "Try another way" names Keycloak derives from each authenticator's id) is
     * defined in every locale.
     */
    @org.junit.jupiter.api.Test
    void everyKeyThePagesAndMailsUseIsDefinedInEveryLocale() throws IOException {
        Set<String> used = new TreeSet<>(Set.of("email-magic-link-display-name", "email-magic-link-help-text",
                "external-token-display-name", "external-token-help-text"));
        // the templates build the duration keys from the unit: msg("tokenLogin.duration." + unit, amount)
        for (String unit : List.of(Durations.MINUTES, Durations.HOURS, Durations.DAYS)) {
            used.add(Durations.MESSAGE_PREFIX + unit);
        }
        Pattern call = Pattern.compile("msg\\(\"([A-Za-z0-9_.-]+)\"\\s*[,)]");
        try (Stream<Path> files = Stream.concat(Files.walk(Path.of("src/main/resources/theme-resources/templates")),
                Files.walk(Path.of("themes")))) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".ftl"))::iterator) {
                Matcher m = call.matcher(Files.readString(file));
                while (m.find()) used.add(m.group(1));
            }
        }
        assertTrue(used.size() > 40, "the templates were read: " + used.size() + " keys");
        Map<String, Properties> bundles = load(Path.of("src/main/resources/theme-resources/messages"));
        List<String> problems = new ArrayList<>();
        bundles.forEach((locale, messages) -> used.stream().filter(k -> !messages.containsKey(k))
                .forEach(k -> problems.add("locale " + locale + " lacks " + k)));
        assertNoProblems(Path.of("templates"), problems);
    }

    /** Every messages_<locale>.properties of the directory, by locale, read as UTF-8 (malformed bytes fail). */
    static Map<String, Properties> load(Path dir) throws IOException {
        return load(dir, new TreeMap<>());
    }

    /** As {@link #load(Path)}, also collecting, by locale, the keys a file defines more than once (Properties keeps the last). */
    static Map<String, Properties> load(Path dir, Map<String, Set<String>> duplicates) throws IOException {
        Map<String, Properties> bundles = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                Matcher name = BUNDLE_FILE.matcher(file.getFileName().toString());
                if (!name.matches()) continue;
                String locale = name.group(1);
                Set<String> twice = duplicates.computeIfAbsent(locale, l -> new TreeSet<>());
                Properties messages = new Properties() {
                    @Override
                    public synchronized Object put(Object key, Object value) {
                        if (containsKey(key)) twice.add(String.valueOf(key));
                        return super.put(key, value);
                    }
                };
                try (InputStream in = Files.newInputStream(file);
                     Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                             .onMalformedInput(CodingErrorAction.REPORT)
                             .onUnmappableCharacter(CodingErrorAction.REPORT))) {
                    messages.load(reader);
                } catch (IOException e) {
                    throw new IOException(file + " (locale " + locale + ") cannot be read as UTF-8: " + e, e);
                }
                bundles.put(locale, messages);
            }
        }
        assertTrue(bundles.containsKey("en"), () -> dir + ": messages_en.properties not found");
        return bundles;
    }

    static Set<Integer> argumentIndexes(String pattern) {
        Set<Integer> indexes = new TreeSet<>();
        Matcher argument = ARGUMENT.matcher(pattern);
        while (argument.find()) indexes.add(Integer.parseInt(argument.group(1)));
        return indexes;
    }

    /** Arguments {0}..{9}, all the same number: valid for plain, number and choice arguments. */
    static Object[] sampleArguments(int n) {
        Object[] arguments = new Object[10];
        Arrays.fill(arguments, n);
        return arguments;
    }

    static void assertNoProblems(Path dir, List<String> problems) {
        assertTrue(problems.isEmpty(), () -> dir + ": " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
    }
}
