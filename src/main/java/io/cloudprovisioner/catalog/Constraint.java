package io.cloudprovisioner.catalog;

/** A requirement an offer can fail, in the order the mapper checks them. */
public enum Constraint {
    RETIRED,
    PRICE_UNKNOWN,
    ARCHITECTURE,
    CPU,
    MEMORY,
    GPU,
    TEE,
    FAMILY,
    BURSTABLE,
    GENERATION,
    BARE_METAL,
    MAX_COST
}
