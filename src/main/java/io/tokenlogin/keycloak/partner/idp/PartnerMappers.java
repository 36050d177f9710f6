package io.tokenlogin.keycloak.partner.idp;

import io.tokenlogin.keycloak.partner.VerifiedPartnerToken;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.broker.provider.IdentityProviderMapper;
import org.keycloak.broker.provider.IdentityProviderMapperSyncModeDelegate;
import org.keycloak.models.IdentityProviderMapperModel;
import org.keycloak.models.IdentityProviderModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * Runs the mappers on a partner's <em>Mappers</em> tab, as Keycloak's broker does: {@code importNewUser} when a
 * sign-in created the user (in the creating transaction), and on later sign-ins what the provider's and the
 * mapper's sync mode ask for (Keycloak's own {@link IdentityProviderMapperSyncModeDelegate}).
 */
public final class PartnerMappers {

    private static final java.util.Set<String> PROFILE = java.util.Set.of(UserModel.USERNAME, UserModel.EMAIL,
            UserModel.FIRST_NAME, UserModel.LAST_NAME, UserModel.EMAIL_VERIFIED);

    private PartnerMappers() {
    }

    /** As Keycloak's first broker login: every mapper preprocesses, the attributes they chose are stored, then each imports. */
    public static void importNewUser(KeycloakSession session, RealmModel realm, UserModel user, IdentityProviderModel provider,
                                     VerifiedPartnerToken token) {
        BrokeredIdentityContext context = contextOf(provider, token, user);
        run(session, (mapper, model) -> mapper.preprocessFederatedIdentity(session, realm, model, context), provider);
        context.getAttributes().forEach((name, values) -> {
            // profile fields come from the token through PartnerUsers (which never takes another account's email)
            if (values != null && !values.isEmpty() && !PROFILE.contains(name)) {
                user.setAttribute(name, values);
            }
        });
        run(session, (mapper, model) -> mapper.importNewUser(session, realm, user, model, context), provider);
    }

    public static void updateBrokeredUser(KeycloakSession session, RealmModel realm, UserModel user, IdentityProviderModel provider,
                                          VerifiedPartnerToken token) {
        BrokeredIdentityContext context = contextOf(provider, token, user);
        run(session, (mapper, model) -> IdentityProviderMapperSyncModeDelegate.delegateUpdateBrokeredUser(
                session, realm, user, model, context, mapper), provider);
    }

    private static void run(KeycloakSession session, BiConsumer<IdentityProviderMapper, IdentityProviderMapperModel> call,
                            IdentityProviderModel provider) {
        session.identityProviders().getMappersByAliasStream(provider.getAlias()).forEach(model -> {
            IdentityProviderMapper mapper = (IdentityProviderMapper) session.getKeycloakSessionFactory()
                    .getProviderFactory(IdentityProviderMapper.class, model.getIdentityProviderMapper());
            if (mapper != null && compatible(mapper)) {
                call.accept(mapper, model);
            }
        });
    }

    private static boolean compatible(IdentityProviderMapper mapper) {
        return Arrays.stream(mapper.getCompatibleProviders())
                .anyMatch(p -> IdentityProviderMapper.ANY_PROVIDER.equals(p) || PartnerIdentityProviderFactory.PROVIDER_ID.equals(p));
    }

    private static BrokeredIdentityContext contextOf(IdentityProviderModel provider, VerifiedPartnerToken token, UserModel user) {
        BrokeredIdentityContext context = new BrokeredIdentityContext(token.userId(), provider);
        context.setUsername(user.getUsername());
        context.setModelUsername(user.getUsername());
        context.setEmail(token.email());
        context.setFirstName(token.firstName());
        context.setLastName(token.lastName());
        return context;
    }
}
