package io.tokenlogin.keycloak.it;

import io.tokenlogin.keycloak.signer.PartnerTokenSigner;

/** The facts of {@code realm-examples/demo-realm.json} the tests rely on (demo-only secrets, never for production). */
public final class Demo {

    public static final String REALM = "demo";
    public static final String FLAT_ISSUER = "Ruby Backend";
    public static final String FLAT_SECRET = "demo-only-ruby-backend-secret-change-me-0123456789";
    public static final String NESTED_ISSUER = "publicala";
    public static final String NESTED_SECRET = "demo-only-publicala-secret-change-me-0123456789abc";
    public static final String NESTED_AUDIENCE = "farfalla";

    private Demo() {
    }

    public static PartnerTokenSigner flat() {
        return new PartnerTokenSigner(FLAT_ISSUER, FLAT_SECRET);
    }

    public static PartnerTokenSigner nested() {
        return new PartnerTokenSigner(NESTED_ISSUER, NESTED_SECRET);
    }
}
