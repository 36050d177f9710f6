package io.tokenlogin.keycloak.it;

import org.keycloak.models.KeycloakSession;
import org.keycloak.testframework.remote.providers.runonserver.FetchOnServer;

import java.lang.reflect.Method;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs inside the Keycloak under test (the framework's run-on-server): reads Keycloak's real single-use store (the
 * Infinispan cache {@code actionTokens}) and counts this extension's live entries of the current realm by kind,
 * with the shortest and longest lifespan of each kind. Infinispan types through reflection, so the test classpath
 * needs no Infinispan. Answer: {@code kind=count/minLifespanMs/maxLifespanMs;...} (a lifespan of -1 = immortal).
 */
public final class StoreCensus implements FetchOnServer {

    @Override
    public Object run(KeycloakSession session) {
        try {
            String realmId = session.getContext().getRealm().getId();
            ClassLoader loader = KeycloakSession.class.getClassLoader();
            @SuppressWarnings({"rawtypes", "unchecked"})
            Class<org.keycloak.provider.Provider> providerType = (Class) Class.forName("org.keycloak.connections.infinispan.InfinispanConnectionProvider", true, loader);
            Object infinispan = session.getProvider(providerType);
            Map<?, ?> cache = (Map<?, ?>) providerType.getMethod("getCache", String.class).invoke(infinispan, "actionTokens");
            Class<?> cacheType = Class.forName("org.infinispan.Cache", true, cache.getClass().getClassLoader());
            Object advanced = cacheType.getMethod("getAdvancedCache").invoke(cache);
            Class<?> advancedType = Class.forName("org.infinispan.AdvancedCache", true, cache.getClass().getClassLoader());
            Method entryOf = advancedType.getMethod("getCacheEntry", Object.class);
            Method lifespanOf = Class.forName("org.infinispan.container.entries.CacheEntry", true, cache.getClass().getClassLoader())
                    .getMethod("getLifespan");
            Map<String, long[]> kinds = new TreeMap<>();
            for (Object key : cache.keySet().toArray()) {
                String text = String.valueOf(key);
                String[] parts = text.split(":", 4);
                if (parts.length < 4 || !"token-login".equals(parts[0]) || !realmId.equals(parts[2])) {
                    continue;
                }
                Object entry = entryOf.invoke(advanced, key);
                if (entry == null) {
                    continue; // expired between the listing and now
                }
                long lifespan = (long) lifespanOf.invoke(entry);
                long[] k = kinds.computeIfAbsent(parts[1], x -> new long[]{0, Long.MAX_VALUE, Long.MIN_VALUE});
                k[0]++;
                k[1] = Math.min(k[1], lifespan);
                k[2] = Math.max(k[2], lifespan);
            }
            StringBuilder out = new StringBuilder();
            kinds.forEach((kind, k) -> out.append(kind).append('=').append(k[0]).append('/').append(k[1]).append('/').append(k[2]).append(';'));
            return out.toString();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the actionTokens cache: " + e, e);
        }
    }

    /** Parses an answer: kind -> {count, min lifespan ms, max lifespan ms}. */
    public static Map<String, long[]> parse(String answer) {
        Map<String, long[]> kinds = new TreeMap<>();
        for (String part : answer.split(";")) {
            if (part.isBlank()) {
                continue;
            }
            String[] kv = part.split("=", 2);
            String[] v = kv[1].split("/");
            kinds.put(kv[0], new long[]{Long.parseLong(v[0]), Long.parseLong(v[1]), Long.parseLong(v[2])});
        }
        return kinds;
    }
}
