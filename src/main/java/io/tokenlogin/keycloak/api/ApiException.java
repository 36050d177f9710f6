package io.tokenlogin.keycloak.api;

/** A refusal of an API call: HTTP status plus the JSON {@code {error, error_description}} it answers with. */
public class ApiException extends Exception {

    private final int status;
    private final String error;

    public ApiException(int status, String error, String description) {
        super(description);
        this.status = status;
        this.error = error;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public static ApiException badRequest(String error, String description) {
        return new ApiException(400, error, description);
    }
}
