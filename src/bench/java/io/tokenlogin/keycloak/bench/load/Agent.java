package io.tokenlogin.keycloak.bench.load;

import io.tokenlogin.keycloak.it.LoopbackCookieJar;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One virtual user: a JDK HttpClient (HTTP/1.1, keep-alive, never follows redirects) with its own cookie jar.
 * {@link #newBrowser()} forgets every cookie, so each sign-in starts like a fresh browser while the connection is reused.
 */
final class Agent {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final LoopbackCookieJar cookies = new LoopbackCookieJar();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .cookieHandler(cookies)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    void newBrowser() {
        cookies.clear();
    }

    HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** POST of an urlencoded form; {@code fields} are name, value, name, value, ... */
    HttpResponse<String> postForm(String url, String... fields) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields))).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String form(String... fields) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < fields.length; i += 2) {
            if (body.length() > 0) {
                body.append('&');
            }
            body.append(enc(fields[i])).append('=').append(enc(fields[i + 1]));
        }
        return body.toString();
    }

    static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
