package io.cloudprovisioner.ledger;

/** The ledger's database could not be read or written. Nothing is sent to a cloud when this is thrown first. */
public class LedgerException extends RuntimeException {
    public LedgerException(String what, Throwable cause) {
        super("ledger: " + what + " failed: " + cause.getMessage(), cause);
    }
}
