package io.tokenlogin.keycloak.webhook.outbox;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQueries;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;

/** One accepted webhook, kept in Keycloak's database until delivered or given up (then until its retention ends). */
@Entity
@Table(name = "TL_WEBHOOK_OUTBOX")
@NamedQueries({
        @NamedQuery(name = "tlOutboxDue", query = "select o.id, o.url from WebhookOutboxEntity o where o.status = 'PENDING'"
                + " and o.nextAttemptAt <= :now and o.claimedUntil < :now order by o.nextAttemptAt"),
        @NamedQuery(name = "tlOutboxPending", query = "select count(o) from WebhookOutboxEntity o where o.status = 'PENDING'"),
        @NamedQuery(name = "tlOutboxClaim", query = "update WebhookOutboxEntity o set o.claimedUntil = :until"
                + " where o.id = :id and o.status = 'PENDING' and o.nextAttemptAt <= :now and o.claimedUntil < :now"),
        @NamedQuery(name = "tlOutboxExpired", query = "delete from WebhookOutboxEntity o where o.status <> 'PENDING'"
                + " and o.updatedAt < :before"),
        @NamedQuery(name = "tlOutboxFailedOfClient", query = "select o from WebhookOutboxEntity o where o.realmId = :realmId"
                + " and o.clientId = :clientId and o.status = 'FAILED' order by o.createdAt desc")
})
public class WebhookOutboxEntity {

    @Id
    @Column(name = "ID", length = 36)
    private String id;
    @Column(name = "REALM_ID", length = 36, nullable = false)
    private String realmId;
    @Column(name = "CLIENT_ID", length = 36, nullable = false)
    private String clientId;
    @Column(name = "URL", length = 2048, nullable = false)
    private String url;
    @Column(name = "BODY", length = 16384, nullable = false)
    private String body;
    @Column(name = "SIGNATURE", length = 255, nullable = false)
    private String signature;
    @Column(name = "KEY_ID", length = 255, nullable = false)
    private String keyId;
    @Column(name = "STATUS", length = 16, nullable = false)
    private String status;
    @Column(name = "ATTEMPTS", nullable = false)
    private int attempts;
    @Column(name = "LAST_STATUS", nullable = false)
    private int lastStatus;
    @Column(name = "NEXT_ATTEMPT_AT", nullable = false)
    private long nextAttemptAt;
    @Column(name = "CLAIMED_UNTIL", nullable = false)
    private long claimedUntil;
    @Column(name = "CREATED_AT", nullable = false)
    private long createdAt;
    @Column(name = "UPDATED_AT", nullable = false)
    private long updatedAt;

    public String getId() { return id; }
    public void setId(String id) { this.id = id; }
    public String getRealmId() { return realmId; }
    public void setRealmId(String realmId) { this.realmId = realmId; }
    public String getClientId() { return clientId; }
    public void setClientId(String clientId) { this.clientId = clientId; }
    public String getUrl() { return url; }
    public void setUrl(String url) { this.url = url; }
    public String getBody() { return body; }
    public void setBody(String body) { this.body = body; }
    public String getSignature() { return signature; }
    public void setSignature(String signature) { this.signature = signature; }
    public String getKeyId() { return keyId; }
    public void setKeyId(String keyId) { this.keyId = keyId; }
    public String getStatus() { return status; }
    public void setStatus(String status) { this.status = status; }
    public int getAttempts() { return attempts; }
    public void setAttempts(int attempts) { this.attempts = attempts; }
    public int getLastStatus() { return lastStatus; }
    public void setLastStatus(int lastStatus) { this.lastStatus = lastStatus; }
    public long getNextAttemptAt() { return nextAttemptAt; }
    public void setNextAttemptAt(long nextAttemptAt) { this.nextAttemptAt = nextAttemptAt; }
    public long getClaimedUntil() { return claimedUntil; }
    public void setClaimedUntil(long claimedUntil) { this.claimedUntil = claimedUntil; }
    public long getCreatedAt() { return createdAt; }
    public void setCreatedAt(long createdAt) { this.createdAt = createdAt; }
    public long getUpdatedAt() { return updatedAt; }
    public void setUpdatedAt(long updatedAt) { this.updatedAt = updatedAt; }
}
