package io.tokenlogin.keycloak.session;

import com.fasterxml.jackson.core.type.TypeReference;
import io.tokenlogin.keycloak.partner.flow.ExternalTokenAuthenticator;
import io.tokenlogin.keycloak.partner.flow.ExternalTokenAuthenticatorFactory;
import org.keycloak.common.util.Time;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.AuthenticationFlowModel;
import org.keycloak.models.AuthenticatorConfigModel;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.util.JsonSerialization;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a partner link's SSO session records so that Keycloak's own ACR/AMR machinery treats it like a sign-in through
 * the realm's browser flow: the {@code external-token} executions of that flow that accept the partner (Keycloak's
 * AMR mapper reads their config's {@code default.reference.value}) and the level of the Level-of-Authentication
 * condition they sit under (the {@code acr} claim, and step-up when an app asks {@code acr_values} for more). The link
 * endpoint thus carries the same values as the browser-flow step, and an admin configures both in one place: the flow.
 */
public final class StepUp {

    /** Keycloak's user-session notes (AuthenticatorUtils / AcrStore). */
    static final String COMPLETED = "authenticators-completed";
    static final String LOA_MAP = "loa-map";
    private static final String LOA_CONDITION = "conditional-level-of-authentication";
    private static final String LOA_LEVEL = "loa-condition-level";

    /** The partner's executions in the browser flow and the highest level they reach (null: no LoA condition). */
    public record Achieved(List<String> executionIds, Integer level) {
        public boolean isEmpty() {
            return executionIds.isEmpty();
        }
    }

    private StepUp() {
    }

    public static Achieved ofPartner(RealmModel realm, String partnerAlias) {
        AuthenticationFlowModel browser = realm.getBrowserFlow();
        List<String> ids = new ArrayList<>();
        Integer[] level = {null};
        if (browser != null) {
            walk(realm, browser.getId(), null, partnerAlias, ids, level, 0);
        }
        return new Achieved(ids, level[0]);
    }

    private static void walk(RealmModel realm, String flowId, Integer inherited, String alias, List<String> ids, Integer[] level, int depth) {
        if (depth > 16) {
            return;
        }
        List<AuthenticationExecutionModel> executions = realm.getAuthenticationExecutionsStream(flowId)
                .sorted(Comparator.comparingInt(AuthenticationExecutionModel::getPriority)).toList();
        for (AuthenticationExecutionModel execution : executions) {
            if (execution.getRequirement() == AuthenticationExecutionModel.Requirement.DISABLED) {
                continue;
            }
            if (execution.isAuthenticatorFlow()) {
                Integer own = levelCondition(realm, execution.getFlowId());
                walk(realm, execution.getFlowId(), own != null ? own : inherited, alias, ids, level, depth + 1);
            } else if (ExternalTokenAuthenticatorFactory.PROVIDER_ID.equals(execution.getAuthenticator())) {
                AuthenticatorConfigModel config = execution.getAuthenticatorConfig() == null ? null
                        : realm.getAuthenticatorConfigById(execution.getAuthenticatorConfig());
                List<String> accepted = ExternalTokenAuthenticator.accepted(config);
                if (accepted.isEmpty() || accepted.contains(alias)) {
                    ids.add(execution.getId());
                    if (inherited != null && (level[0] == null || inherited > level[0])) {
                        level[0] = inherited;
                    }
                }
            }
        }
    }

    /** The level of a flow's Level-of-Authentication condition, or null. */
    private static Integer levelCondition(RealmModel realm, String flowId) {
        return realm.getAuthenticationExecutionsStream(flowId)
                .filter(e -> LOA_CONDITION.equals(e.getAuthenticator()) && e.getAuthenticatorConfig() != null)
                .map(e -> realm.getAuthenticatorConfigById(e.getAuthenticatorConfig()))
                .filter(c -> c != null && c.getConfig() != null && c.getConfig().get(LOA_LEVEL) != null)
                .map(c -> {
                    try {
                        return Integer.valueOf(c.getConfig().get(LOA_LEVEL).trim());
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }

    /** Adds what this sign-in achieved to the user session's notes (merged with what the session already had). */
    public static void record(UserSessionModel userSession, Achieved achieved) {
        if (achieved.isEmpty()) {
            return;
        }
        int now = Time.currentTime();
        Map<String, Integer> completed = read(userSession.getNote(COMPLETED), new TypeReference<Map<String, Integer>>() { });
        achieved.executionIds().forEach(id -> completed.put(id, now));
        userSession.setNote(COMPLETED, write(completed));
        if (achieved.level() != null) {
            Map<Integer, Integer> levels = read(userSession.getNote(LOA_MAP), new TypeReference<Map<Integer, Integer>>() { });
            levels.put(achieved.level(), now);
            userSession.setNote(LOA_MAP, write(levels));
        }
    }

    private static <K> Map<K, Integer> read(String json, TypeReference<Map<K, Integer>> type) {
        if (json == null || json.isBlank()) {
            return new HashMap<>();
        }
        try {
            return new HashMap<>(JsonSerialization.readValue(json, type));
        } catch (IOException e) {
            return new HashMap<>();
        }
    }

    private static String write(Object value) {
        try {
            return JsonSerialization.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
