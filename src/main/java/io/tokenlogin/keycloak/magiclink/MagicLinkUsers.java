package io.tokenlogin.keycloak.magiclink;

import io.tokenlogin.keycloak.users.JitUsers;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.Map;

/** The user a consumed link (clicked, or its email code typed) signs in; with createUsers, created now. */
final class MagicLinkUsers {

    private MagicLinkUsers() {
    }

    static UserModel of(KeycloakSession session, RealmModel realm, Map<String, String> link) {
        String userId = link.get(MagicLinkStore.USER);
        if (userId != null) {
            return session.users().getUserById(realm, userId);
        }
        String email = link.get(MagicLinkStore.EMAIL);
        UserModel existing = session.users().getUserByEmail(realm, email);
        if (existing != null || !Boolean.parseBoolean(link.get(MagicLinkStore.CREATE_USERS))) {
            return existing;
        }
        JitUsers.createIfAbsent(session, realm, email, (tx, user) -> {
            user.setEmail(email);
            user.setEmailVerified(true);
        });
        return session.users().getUserByEmail(realm, email);
    }
}
