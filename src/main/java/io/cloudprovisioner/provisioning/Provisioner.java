package io.cloudprovisioner.provisioning;

import io.cloudprovisioner.catalog.Catalog;
import io.cloudprovisioner.catalog.Constraint;
import io.cloudprovisioner.catalog.InstanceTypeMapper;
import io.cloudprovisioner.catalog.MappingPolicy;
import io.cloudprovisioner.catalog.MappingResult;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.domain.Instance;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.ledger.Attempt;
import io.cloudprovisioner.ledger.CrashPoints;
import io.cloudprovisioner.ledger.Ledger;
import io.cloudprovisioner.ledger.LedgerNode;
import io.cloudprovisioner.ledger.LedgerRecord;
import io.cloudprovisioner.ledger.Reconciler;
import io.cloudprovisioner.ledger.RecordState;
import io.cloudprovisioner.provider.CredentialStatus;
import io.cloudprovisioner.provider.ErrorClass;
import io.cloudprovisioner.provider.ErrorScope;
import io.cloudprovisioner.provider.ProviderAdapter;
import io.cloudprovisioner.provider.ProviderAdapters;
import io.cloudprovisioner.provider.ProviderException;
import io.cloudprovisioner.provider.ProviderRegistry;
import io.cloudprovisioner.provider.ProvisionRequest;
import io.cloudprovisioner.quota.Quotas;
import io.cloudprovisioner.security.Ownership;
import io.cloudprovisioner.selection.Candidate;
import io.cloudprovisioner.selection.FailedOfferings;
import io.cloudprovisioner.selection.ProviderSelector;
import io.cloudprovisioner.selection.SelectionResult;
import io.cloudprovisioner.selection.SelectionSettings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The provisioning workflow, shared by ProvisionInstance and the blueprint RPCs: plan (selection or mapping, then
 * fallbacks) → attempts with failover on capacity/quota, each recorded in the ledger before its cloud call → the
 * record ends RUNNING with the instance or FAILED with the last classified error. A request id the ledger knows is
 * replayed, waited for (another call on this node), recovered (its node is gone) or taken over (a retryable
 * failure); a retry never creates a second instance.
 *
 * <p>{@link #provision(ProvisionOrder)} is the one entry point that can create an instance.
 */
@ApplicationScoped
public class Provisioner {

    /** An explicitly named type is checked against the spec's needs only, not against family or cost policy. */
    static final MappingPolicy EXPLICIT_TYPE_POLICY = MappingPolicy.DEFAULT.combine(null, null, true, 0, true, 0);
    /** Candidates considered for failover after the first choice. */
    static final int MAX_FALLBACK_CANDIDATES = 50;
    /** Storage when the request names a type without a spec. */
    public static final double DEFAULT_STORAGE_GB = 10;

    @Inject
    ProviderRegistry providers;
    @Inject
    ProviderAdapters adapters;
    @Inject
    ProviderSelector selector;
    @Inject
    SelectionSettings settings;
    @Inject
    FailedOfferings failedOfferings;
    @Inject
    Ledger ledger;
    @Inject
    LedgerNode node;
    @Inject
    Reconciler reconciler;
    @Inject
    CrashPoints crashPoints;
    @Inject
    Ownership ownership;
    @Inject
    ProvisioningMetrics metrics;
    @Inject
    Quotas quotas;
    @Inject
    @ConfigProperty(name = "cloudprovisioner.failover.max-attempts", defaultValue = "6")
    int maxAttempts;

    /** The ledger key of a caller's request id (ids are scoped per principal). */
    public String key(String principal, String requestId) {
        return ownership.key(principal, requestId);
    }

    /**
     * Provisions one instance for {@code order}, or replays the outcome of an earlier call with its request id.
     * Every instance this service creates is created through here.
     */
    public ProvisionResult provision(ProvisionOrder order) {
        String requestId = order.requestId();
        String key = key(order.principal(), requestId);
        for (int round = 0; round < 5; round++) {
            LedgerRecord known = ledger.find(key).orElse(null);
            if (known != null) {
                ProvisionResult replay = existing(known, order.fingerprint(), requestId);
                if (replay != null) {
                    return replay;
                }
                if (known.state() == RecordState.CREATING || !retryableFailure(known)) {
                    continue; // resolved just now (waited, or recovered): look again
                }
                if (outcomeUnknown(known) && !lookedUp(known)) {
                    continue; // the earlier attempt's instance was found: replay it
                }
            }
            if (node.track(key) == null) {
                waitForLocal(key);
                continue;
            }
            try {
                List<Target> plan = plan(order);
                // quotas: checked here, before the intent is recorded and before any cloud call; the
                // concurrency slot is held until this call's work has ended
                try (Quotas.Slot slot = quotas.enter(order.principal(), order.admin())) {
                    boolean begun;
                    synchronized (quotas.lock(order.principal())) { // check and intent together, in this process
                        plan = withinQuota(order, plan, key);
                        begun = ledger.begin(new Ledger.Intent(key, requestId, order.fingerprint(),
                                order.principal(), order.canonicalJson(), order.labels(), node.id()),
                                this::retryableFailure);
                    }
                    if (begun) {
                        return create(order, plan, key);
                    }
                }
            } finally {
                node.release(key);
            }
        }
        throw ProvisioningException.of(ProvisioningException.Kind.BUSY, "client_request_id " + requestId
                + " is busy: another call with it is in progress; retry", "REQUEST_IN_PROGRESS",
                Map.of("client_request_id", requestId));
    }

    /**
     * Checks the caller's quotas for the plan's first choice (Quotas: live instances, concurrent provisions, hourly
     * spend priced from the catalog); refuses with a QuotaException, else returns the plan without the fallbacks
     * that the spend limit leaves no room for.
     */
    private List<Target> withinQuota(ProvisionOrder order, List<Target> plan, String key) {
        Target first = plan.get(0);
        double budget = quotas.check(order.principal(), order.admin(), key, price(order, first),
                first.provider().id() + "/" + first.region() + "/" + first.type());
        if (Double.isInfinite(budget)) {
            return plan;
        }
        List<Target> kept = new ArrayList<>();
        kept.add(first);
        for (Target t : plan.subList(1, plan.size())) {
            double h = price(order, t);
            if (Double.isFinite(h) && h <= budget + 1e-9) {
                kept.add(t);
            }
        }
        return kept;
    }

    /** The estimated hourly price of {@code t} from the order's catalog (spot when it would be spot); else NaN. */
    private double price(ProvisionOrder order, Target t) {
        Offer o = t.offer();
        if (o == null) {
            var ro = order.catalog().provider(t.provider()).regions().get(t.region());
            o = ro == null ? null : ro.offer(t.type());
        }
        return o == null ? Double.NaN : o.effectiveUsdPerHour(spot(order, t.provider()));
    }

    /** Whether an attempt at {@code p} asks for a spot instance. */
    private boolean spot(ProvisionOrder order, Provider p) {
        ResourceSpec spec = order.spec();
        return spec != null && spec.allowSpot() && order.preferences().spotAllowed()
                && providers.descriptor(p).spotCapacity() && spec.qos().slaTarget() == 0;
    }

    /** Places to try, in order: the chosen (or named) offering, then fallbacks when allowed. */
    private List<Target> plan(ProvisionOrder order) {
        Catalog cat = order.catalog();
        Provider p = order.provider();
        String region = order.region();
        String type = order.instanceType();
        ResourceSpec spec = order.spec();
        Offer offer = null;
        if (p == null) {
            SelectionResult r = selector.select(spec, order.preferences(), 1, order.preferencesFromRequest()
                    ? "request" : settings.preferencesSource());
            if (r.candidates().isEmpty()) {
                throw ProvisioningException.precondition("no configured provider has an offer that satisfies the "
                        + "spec; see SelectProvider for every rejection", "NO_CANDIDATE", "CREDENTIALS", "providers",
                        "configure at least one provider that can satisfy the spec", Map.of());
            }
            Candidate c = r.candidates().get(0);
            offer = c.offer();
            p = offer.type().provider();
            region = offer.region();
        }
        boolean tee = spec != null && spec.requireTee();
        if (tee && !cat.provider(p).hasTee()) {
            throw ProvisioningException.precondition(p.displayName() + " offers no confidential-computing instance "
                    + "type", "TEE_UNSUPPORTED", "TEE", "provider/" + p.id(), "require_tee needs AWS, GCP or Azure",
                    Map.of("provider", p.id()));
        }
        if (offer == null && type == null) {
            offer = mapOrThrow(cat, p, region, spec);
        } else if (offer == null) {
            offer = cat.provider(p).regions().get(region).offer(type);
            Constraint failed = offer == null || spec == null ? null
                    : InstanceTypeMapper.check(offer, spec.withSpot(false), EXPLICIT_TYPE_POLICY, false);
            if (failed != null && failed != Constraint.PRICE_UNKNOWN && failed != Constraint.RETIRED) {
                throw ProvisioningException.invalidField("instance_type", type + " does not satisfy the spec ("
                        + failed.name().toLowerCase(Locale.ROOT) + ")");
            }
        }
        String typeName = offer != null ? offer.type().name() : type;
        adapter(p); // FAILED_PRECONDITION before anything is recorded when the first choice is not configured
        List<Target> plan = new ArrayList<>();
        plan.add(new Target(p, region, typeName, offer, order.zone()));
        if (order.allowFallback() && spec != null) {
            // zone: the adapters try the region's zones; then region and provider: the next cheapest candidates
            for (Candidate c : selector.select(spec, order.preferences(), MAX_FALLBACK_CANDIDATES, "fallback")
                    .candidates()) {
                Target t = new Target(c.offer().type().provider(), c.offer().region(), c.offer().type().name(),
                        c.offer(), "");
                if (plan.stream().noneMatch(x -> x.sameOffering(t)) && providers.configured(t.provider())) {
                    plan.add(t);
                }
            }
        }
        return plan;
    }

    /**
     * Runs the plan with the ledger, after the intent is recorded: each attempt is recorded before its cloud call
     * and completed after it; the record ends RUNNING with the instance or FAILED with the last classified error.
     * This is the one place where a new instance is asked for; the per-principal quotas were checked before the
     * intent was recorded ({@link #withinQuota}).
     */
    private ProvisionResult create(ProvisionOrder order, List<Target> plan, String key) {
        Catalog cat = order.catalog();
        ResourceSpec spec = order.spec();
        String requestId = order.requestId();
        boolean tee = spec != null && spec.requireTee();
        int storage = spec == null ? (int) DEFAULT_STORAGE_GB : (int) Math.ceil(spec.storageGb());
        List<Tried> attempts = new ArrayList<>();
        ProviderException last = null;
        Target lastTarget = null;
        boolean fresh = ledger.attempts(key).isEmpty();
        boolean changed = false; // whether any attempt got as far as asking a cloud to create something
        long started = System.nanoTime();
        Target movedFrom = null; // the place that failed on capacity or quota, until the next attempt starts
        String movedWhy = null;
        for (int i = 0; i < plan.size() && attempts.size() < maxAttempts; i++) {
            Target t = plan.get(i);
            Optional<String> blocked = order.allowFallback()
                    ? failedOfferings.blocked(t.provider(), t.region(), t.type()) : Optional.empty();
            if (blocked.isPresent()) {
                int seq = ledger.attemptStarted(key, t.provider(), t.region(), t.zone(), t.type());
                ledger.attemptEnded(key, seq, "SKIPPED", blocked.get());
                attempts.add(new Tried(t, "SKIPPED"));
                metrics.attempt(t.provider(), t.region(), "skipped");
                continue;
            }
            boolean spot = spot(order, t.provider());
            ProviderAdapter adapter = adapter(t.provider());
            // the request's name in the cloud: the id as sent for the default owner (as before ownership), else the
            // ledger key (the id scoped to the caller), so that two callers' ids never name the same instance
            String cloudId = key.equals(requestId.toLowerCase(Locale.ROOT)) ? requestId : key;
            ProvisionRequest pr = new ProvisionRequest(t.type(), t.region(), t.zone(), tee, spot, cloudId,
                    order.labels(), storage);
            int seq = ledger.attemptStarted(key, t.provider(), t.region(), t.zone(), t.type());
            if (movedFrom != null) {
                metrics.failover(movedFrom.provider(), t.provider(), movedWhy);
                movedFrom = null;
            }
            try {
                crashPoints.reached("before-create");
                Instance created = adapter.provision(pr);
                crashPoints.reached("after-create");
                ledger.attemptEnded(key, seq, "", null);
                ledger.created(key, created);
                metrics.attempt(t.provider(), t.region(), "success");
                metrics.provision(t.provider(), t.region(), "success", started);
                Offer priced = t.offer() != null ? t.offer()
                        : cat.provider(t.provider()).regions().get(t.region()).offer(t.type());
                return new ProvisionResult(requestId, key, created, priced, spot, null, ledger.attempts(key));
            } catch (ProviderException e) {
                changed |= !e.beforeAnyChange();
                ledger.attemptEnded(key, seq, e.errorClass().name(), e.getMessage());
                attempts.add(new Tried(t, e.errorClass().name()));
                metrics.attempt(t.provider(), t.region(), ProvisioningMetrics.outcome(e.errorClass().name()));
                last = e;
                lastTarget = t;
                boolean failover = e.errorClass() == ErrorClass.CAPACITY || e.errorClass() == ErrorClass.QUOTA;
                if (!order.allowFallback() || !failover) {
                    break;
                }
                failedOfferings.failed(t.provider(), t.region(), t.type(), e.errorClass(), e.scope());
                movedFrom = t;
                movedWhy = e.errorClass().name();
            }
        }
        Map<String, String> summary = summary(attempts);
        if (last == null) {
            metrics.provision(plan.get(0).provider(), plan.get(0).region(), "all_skipped", started);
            ledger.failed(key, ErrorClass.CAPACITY.name(), ErrorScope.REGION.name(), "every candidate was skipped");
            throw ProvisioningException.of(ProvisioningException.Kind.EXHAUSTED, "every candidate was skipped: each "
                    + "failed on capacity or quota recently", "ALL_CANDIDATES_SKIPPED", summary);
        }
        metrics.provision(lastTarget.provider(), lastTarget.region(),
                ProvisioningMetrics.outcome(last.errorClass().name()), started);
        if (fresh && !changed) {
            // refused by the adapters before any cloud was asked to create anything: the id stays unused, so the
            // corrected request can use it
            ledger.release(key, node.id());
            throw ProvisioningException.provider(last, summary);
        }
        ledger.failed(key, last.errorClass().name(), last.scope().name(), last.getMessage());
        throw ProvisioningException.provider(last, summary);
    }

    /** One attempt of this call, as the failure's summary lists it. */
    private record Tried(Provider provider, String region, String type, String errorClass) {
        Tried(Target t, String errorClass) {
            this(t.provider(), t.region(), t.type(), errorClass);
        }
    }

    private static Map<String, String> summary(List<Tried> attempts) {
        Map<String, String> summary = new LinkedHashMap<>();
        summary.put("attempts", Integer.toString(attempts.size()));
        for (int i = 0; i < attempts.size(); i++) {
            Tried a = attempts.get(i);
            summary.put("attempt_" + (i + 1), a.provider().id() + "/" + a.region() + "/" + a.type() + ": "
                    + a.errorClass());
        }
        return summary;
    }

    /** The attempts of a request id as a failure's summary lists them (an interrupted one as INTERRUPTED). */
    public static Map<String, String> summaryOf(List<Attempt> recorded) {
        List<Tried> out = new ArrayList<>();
        for (Attempt a : recorded) {
            out.add(new Tried(a.provider(), a.region(), a.instanceType(),
                    a.errorClass() == null ? "INTERRUPTED" : a.errorClass()));
        }
        return summary(out);
    }

    /** Failures worth another try with the same id (the cloud can answer differently later). */
    public boolean retryableFailure(LedgerRecord r) {
        if (r.state() != RecordState.FAILED || r.errorClass() == null) {
            return false;
        }
        try {
            ErrorClass c = ErrorClass.valueOf(r.errorClass());
            return c.retryable() || c == ErrorClass.CAPACITY || c == ErrorClass.QUOTA;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A TRANSIENT or RATE_LIMITED failure (a timeout, a 5xx) may hide a create the cloud did after all. */
    private static boolean outcomeUnknown(LedgerRecord r) {
        return ErrorClass.TRANSIENT.name().equals(r.errorClass()) || ErrorClass.RATE_LIMITED.name().equals(
                r.errorClass());
    }

    /**
     * Before a failed request is tried again: did an earlier attempt create the instance after all (a timeout or
     * 5xx can hide a success)? Found: the record is completed and false is returned (replay it). Not found: true.
     */
    private boolean lookedUp(LedgerRecord r) {
        Optional<Instance> found = reconciler.lookUp(r);
        if (found.isEmpty()) {
            return true;
        }
        if (node.track(r.requestKey()) != null) {
            try {
                if (ledger.claim(r, node.id())) {
                    ledger.created(r.requestKey(), found.get());
                }
            } finally {
                node.release(r.requestKey());
            }
        }
        return false;
    }

    /**
     * What to do with a request id the ledger knows: the outcome to replay, or null to go on (take over a
     * retryable failure, or look again after waiting / recovering). Rejects the id reused with other parameters.
     */
    private ProvisionResult existing(LedgerRecord r, String fingerprint, String requestId) {
        if (!r.fingerprint().equals(fingerprint)) {
            throw ProvisioningException.of(ProvisioningException.Kind.ID_REUSED, "client_request_id " + requestId
                    + " was used for a different request (ids are compared case-insensitively); use a new id",
                    "IDEMPOTENCY_KEY_REUSED", Map.of("client_request_id", r.clientRequestId(), "ledger_state",
                            r.state().name(), "recorded_at", r.createdAt().toString()));
        }
        switch (r.state()) {
            case RUNNING, TERMINATING, TERMINATED, VANISHED -> {
                return new ProvisionResult(r.clientRequestId(), r.requestKey(), null, null, r.spot(), r,
                        ledger.attempts(r.requestKey()));
            }
            case FAILED -> {
                if (retryableFailure(r)) {
                    return null;
                }
                Map<String, String> meta = new LinkedHashMap<>(summaryOf(ledger.attempts(r.requestKey())));
                meta.put("replayed", "true");
                throw ProvisioningException.provider(new ProviderException(r.provider(),
                        ErrorClass.valueOf(r.errorClass()), r.errorScope() == null ? ErrorScope.REQUEST
                                : ErrorScope.valueOf(r.errorScope()), "", r.errorMessage()), meta);
            }
            default -> { // CREATING
                if (node.working(r.requestKey()).isPresent()) {
                    waitForLocal(r.requestKey());
                } else if (node.ownerGone(r)) {
                    reconciler.recover(r);
                } else {
                    throw ProvisioningException.of(ProvisioningException.Kind.BUSY, "client_request_id " + requestId
                            + " is being provisioned by replica " + r.owner() + "; retry to get its result",
                            "REQUEST_IN_PROGRESS", Map.of("client_request_id", r.clientRequestId(), "owner",
                                    r.owner()));
                }
                return null;
            }
        }
    }

    private void waitForLocal(String key) {
        node.working(key).ifPresent(f -> {
            try {
                f.get(15, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ProvisioningException.of(ProvisioningException.Kind.CANCELLED, "interrupted", "CANCELLED",
                        Map.of());
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // look again: the ledger says how it ended
            }
        });
    }

    private static Offer mapOrThrow(Catalog cat, Provider p, String region, ResourceSpec spec) {
        MappingResult r = InstanceTypeMapper.map(cat.provider(p).regions().get(region), spec,
                MappingPolicy.DEFAULT, 0, false);
        if (!r.found()) {
            throw ProvisioningException.notFound(r.summary(), "NO_INSTANCE_TYPE_FITS", "instance type",
                    p.id() + "/" + region, Map.of("provider", p.id(), "region", region));
        }
        return r.offer();
    }

    /** The provider's adapter; PRECONDITION saying what to configure when its credentials are missing. */
    public ProviderAdapter adapter(Provider p) {
        CredentialStatus cred = providers.credentials(p);
        if (!cred.configured()) {
            throw ProvisioningException.precondition(p.displayName() + " is not configured: " + cred.missing(),
                    "PROVIDER_NOT_CONFIGURED", "CREDENTIALS", "provider/" + p.id(), cred.missing()
                            + " (environment: " + String.join(", ", providers.descriptor(p).configurationEnvVars())
                            + ")", Map.of("provider", p.id()));
        }
        return adapters.adapter(p).orElseThrow(() -> ProvisioningException.of(ProvisioningException.Kind.NO_ADAPTER,
                "the " + p.id() + " adapter", "PROVIDER_ADAPTER_MISSING", Map.of("missing", "the " + p.id()
                        + " adapter")));
    }

    /** One place to try a provision: provider, region, type (and zone when the caller named one). */
    private record Target(Provider provider, String region, String type, Offer offer, String zone) {
        boolean sameOffering(Target o) {
            return provider == o.provider && region.equals(o.region) && type.equals(o.type);
        }
    }
}
