package io.cloudprovisioner.harness;

/**
 * Answers a hostile or broken provider gives to a listing, for the tests that hold the service to "provider answers are
 * untrusted input". A stand-in set to a mode for an operation ({@link FaultPlan#hostile}) answers every call of that
 * listing that way, in its provider's own wire form, until the plan is cleared.
 */
public enum Hostile {
    /** Every page names as its next cursor the cursor of the first page it handed out: the listing never ends. */
    REPEAT_CURSOR,
    /** Every page names a fresh next cursor (page after page of the same entries): the listing never ends. */
    ENDLESS_PAGES,
    /** Every entry is listed twice. */
    DUPLICATES,
    /** One more entry with impossible figures (negative vCPUs, zero memory, a negative price). */
    GARBAGE_NUMBERS,
    /** A listing filtered by a tag or label also returns an entry that does not carry it. */
    FOREIGN_UNDER_FILTER,
    /** The next page's link answers 404 (Azure nextLink). */
    BROKEN_NEXT_LINK,
    /** An entry whose resource id names another subscription (Azure). */
    FOREIGN_ID
}
