package io.tokenlogin.keycloak.magiclink;

import io.tokenlogin.keycloak.mail.Durations;
import jakarta.ws.rs.core.Response;
import org.keycloak.authentication.AuthenticationFlowContext;
import org.keycloak.forms.login.LoginFormsProvider;
import org.keycloak.http.HttpResponse;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.utils.FormMessage;
import org.keycloak.sessions.AuthenticationSessionModel;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The magic link's pages (templates in {@code theme-resources/templates}, so they render in any login theme). All
 * values reach the templates as one hash, {@code magicLink}.
 */
final class MagicLinkPages {

    static final String ATTRIBUTE = "magicLink";

    private MagicLinkPages() {
    }

    static Response askEmail(AuthenticationFlowContext context, String typed, FormMessage error) {
        Map<String, Object> model = new HashMap<>();
        if (typed != null) {
            model.put("email", typed);
        }
        LoginFormsProvider form = context.form().setAttribute(ATTRIBUTE, model);
        if (error != null) {
            form.addError(error);
        }
        return form.createForm("magic-link-email.ftl");
    }

    /**
     * The mail queue is full (this node cannot take another mail now): nothing was issued or stored; a "try again"
     * button posts the same request again. 503 with Retry-After; the same page whatever the address.
     */
    static Response busy(AuthenticationFlowContext context, String typed, boolean resend) {
        Map<String, Object> model = new HashMap<>();
        if (typed != null) {
            model.put("email", typed);
        }
        model.put("resend", resend);
        context.getSession().getContext().getHttpResponse().setHeader("Retry-After", "30");
        return context.form().setAttribute(ATTRIBUTE, model).setStatus(Response.Status.SERVICE_UNAVAILABLE)
                .createForm("magic-link-busy.ftl");
    }

    /** The step's settings are invalid: a page for the person (the admin finds the reason in the log and the event). */
    static Response misconfigured(AuthenticationFlowContext context) {
        return context.form().setStatus(Response.Status.SERVICE_UNAVAILABLE).createForm("magic-link-misconfigured.ftl");
    }

    /** What a "send a new link" did: nothing asked, a new link sent, or refused by a limit (the previous link kept). */
    enum Resend { NONE, SENT, KEPT }

    /** What a typed email code did: nothing typed, a wrong code (tries left), or the last try failed (attempt over). */
    enum CodeResult { NONE, WRONG, LOCKED }

    static Response sent(AuthenticationFlowContext context, MagicLinkSettings settings, Resend resend) {
        return sent(context, settings, resend, CodeResult.NONE);
    }

    /** "Check your inbox", with the waiting code, the email-code field and the polling handle. */
    static Response sent(AuthenticationFlowContext context, MagicLinkSettings settings, Resend resend, CodeResult codeResult) {
        AuthenticationSessionModel authSession = context.getAuthenticationSession();
        String email = authSession.getAuthNote(WaitingLogin.EMAIL);
        String state = WaitingLogin.state(authSession, System.currentTimeMillis() / 1000);
        Map<String, Object> model = new HashMap<>();
        // an identified user did not type the address: show it masked
        model.put("email", context.getUser() != null ? mask(email) : email);
        Durations.put(model, "lifetime", settings.linkLifetimeSeconds());
        model.put("code", authSession.getAuthNote(WaitingLogin.CODE));
        model.put("statusUrl", MagicLinkResource.statusUrl(context.getSession(), context.getRealm(), authSession.getAuthNote(WaitingLogin.POLL)));
        model.put("continueUrl", context.getRefreshExecutionUrl().toString());
        model.put("refused", WaitingLogin.REFUSED.equals(state));
        model.put("resent", resend == Resend.SENT);
        model.put("resendRefused", resend == Resend.KEPT);
        model.put("canRestart", context.getUser() == null);
        model.put("emailCode", settings.emailCode() && (authSession.getAuthNote(WaitingLogin.OTP) != null || codeResult == CodeResult.LOCKED));
        model.put("emailCodeLength", settings.emailCodeLength());
        model.put("codeWrong", codeResult == CodeResult.WRONG);
        model.put("codeLocked", codeResult == CodeResult.LOCKED);
        return context.form().setAttribute(ATTRIBUTE, model).createForm("magic-link-sent.ftl");
    }

    /** A page outside any flow (the link's own pages), never cached, never leaking the link through a referrer. */
    static Response standalone(KeycloakSession session, String template, Map<String, Object> model) {
        noStore(session);
        return session.getProvider(LoginFormsProvider.class).setAttribute(ATTRIBUTE, model).createForm(template);
    }

    static Response expired(KeycloakSession session, String reason, String restartUrl) {
        Map<String, Object> model = new HashMap<>();
        model.put("reason", reason);
        if (restartUrl != null) {
            model.put("restartUrl", restartUrl);
        }
        return standalone(session, "magic-link-expired.ftl", model);
    }

    /** An API link's page: the nonce for this browser, and who else is signed in here (the click ends that session). */
    static Response confirmApi(KeycloakSession session, String actionUrl, String key, String nonce, String signedInAs) {
        Map<String, Object> model = new HashMap<>(Map.of("actionUrl", actionUrl, "key", key, "nonce", nonce));
        if (signedInAs != null) {
            model.put("signedInAs", signedInAs);
        }
        return standalone(session, "magic-link-confirm.ftl", model);
    }

    static Response confirm(KeycloakSession session, String actionUrl, String key) {
        return standalone(session, "magic-link-confirm.ftl", new HashMap<>(Map.of("actionUrl", actionUrl, "key", key)));
    }

    static Response approve(KeycloakSession session, String actionUrl, String key, Map<String, String> link, List<String> choices) {
        Map<String, Object> model = new HashMap<>();
        model.put("actionUrl", actionUrl);
        model.put("key", key);
        model.put("requestBrowser", link.getOrDefault(MagicLinkStore.BROWSER, ""));
        model.put("requestIp", link.getOrDefault(MagicLinkStore.IP, ""));
        model.put("requestTime", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME.format(
                java.time.Instant.ofEpochSecond(Long.parseLong(link.get(MagicLinkStore.CREATED))).atZone(java.time.ZoneOffset.UTC)));
        model.put("choices", choices);
        return standalone(session, "magic-link-approve.ftl", model);
    }

    static Response approvedElsewhere(KeycloakSession session) {
        return standalone(session, "magic-link-approved.ftl", new HashMap<>());
    }

    static void noStore(KeycloakSession session) {
        HttpResponse response = session.getContext().getHttpResponse();
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Referrer-Policy", "no-referrer");
    }

    static String mask(String email) {
        if (email == null || email.isEmpty()) {
            return "";
        }
        int at = email.indexOf('@');
        return at <= 1 ? "***" + email.substring(Math.max(at, 0)) : email.charAt(0) + "***" + email.substring(at);
    }
}
