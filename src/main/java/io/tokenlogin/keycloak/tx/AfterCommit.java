package io.tokenlogin.keycloak.tx;

import org.jboss.logging.Logger;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;

/**
 * Work tied to the outcome of the request's transaction: jobs (mail, webhooks) that must start only once what they
 * refer to is committed, and undo steps (giving a consumed token back) that must run when the request fails after
 * all — also when it fails while committing, which no catch block in the request sees.
 */
public final class AfterCommit {

    private static final Logger LOG = Logger.getLogger(AfterCommit.class);

    private AfterCommit() {
    }

    /** Runs {@code job} after the request's transaction committed; never when it rolls back. */
    public static void run(KeycloakSession session, Runnable job) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                job.run();
            }

            @Override
            protected void rollbackImpl() {
                // nothing was committed: the job has nothing to act on
            }
        });
    }

    /** Runs {@code undo} when the request's transaction rolls back (or fails to commit). */
    public static void onRollback(KeycloakSession session, Runnable undo) {
        session.getTransactionManager().enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
            }

            @Override
            protected void rollbackImpl() {
                try {
                    undo.run();
                } catch (RuntimeException e) {
                    LOG.warnf("Undo after a failed request did not complete: %s", e.getClass().getSimpleName());
                }
            }
        });
    }
}
