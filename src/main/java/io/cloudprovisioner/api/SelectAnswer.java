package io.cloudprovisioner.api;

import io.cloudprovisioner.api.v1.InstanceOffer;
import io.cloudprovisioner.api.v1.Price;
import io.cloudprovisioner.api.v1.SelectProviderResponse;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.catalog.PriceQuote;
import io.cloudprovisioner.catalog.PriceSource;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.selection.Candidate;
import io.cloudprovisioner.selection.Rejection;
import io.cloudprovisioner.selection.SelectionResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * SelectProvider's answer from a selection result. The offer and price messages come from {@code offers} and
 * {@code prices}: {@link OfferProtos} in the service (prebuilt per catalog version), {@link ProtoMapper} where a
 * fresh conversion is wanted (the benchmark's per-call baseline).
 */
public final class SelectAnswer {
    private SelectAnswer() {
    }

    public static SelectProviderResponse build(SelectionResult r, ResourceSpec spec, String source,
            Function<Offer, InstanceOffer> offers, Function<PriceQuote, Price> prices) {
        return build(r, spec, source, offers, prices, null);
    }

    /**
     * As {@link #build(SelectionResult, ResourceSpec, String, Function, Function)}; when {@code sources} is not
     * null, the offers and prices given carry source ids only (price_source_refs) and the answer lists each source
     * the candidates' prices name once, in full, from {@code sources}.
     */
    public static SelectProviderResponse build(SelectionResult r, ResourceSpec spec, String source,
            Function<Offer, InstanceOffer> offers, Function<PriceQuote, Price> prices,
            Function<PriceSource, io.cloudprovisioner.api.v1.PriceSource> sources) {
        return build(r, spec, source, offers, prices, sources, null);
    }

    /** As above; {@code spotTerms} (when not null) gives the spot terms of a candidate priced at spot. */
    public static SelectProviderResponse build(SelectionResult r, ResourceSpec spec, String source,
            Function<Offer, InstanceOffer> offers, Function<PriceQuote, Price> prices,
            Function<PriceSource, io.cloudprovisioner.api.v1.PriceSource> sources,
            Function<Offer, java.util.Optional<io.cloudprovisioner.api.v1.SpotTerms>> spotTerms) {
        SelectProviderResponse.Builder out = SelectProviderResponse.newBuilder()
                .setPreferencesSource(source).setEffectiveSpec(ProtoMapper.toProto(spec))
                .setTotalCandidates(r.totalCandidates());
        for (Candidate c : r.candidates()) {
            io.cloudprovisioner.api.v1.Candidate.Builder cb = io.cloudprovisioner.api.v1.Candidate.newBuilder()
                    .setRank(c.rank()).setOffer(offers.apply(c.offer()))
                    .setDeploymentType(ProtoMapper.toProto(c.deploymentType()))
                    .setEffectivePrice(prices.apply(c.effectivePrice())).setSpot(c.spot())
                    .setReason(c.reason());
            if (c.spot() && spotTerms != null) {
                spotTerms.apply(c.offer()).ifPresent(cb::setSpotTerms);
            }
            out.addCandidates(cb);
        }
        if (sources != null) {
            Map<String, PriceSource> named = new LinkedHashMap<>();
            for (Candidate c : r.candidates()) {
                for (PriceQuote q : new PriceQuote[] {c.offer().onDemand(), c.offer().spot(), c.effectivePrice()}) {
                    if (q != null) {
                        named.putIfAbsent(q.source().id(), q.source());
                    }
                }
            }
            named.values().forEach(s -> out.addPriceSources(sources.apply(s)));
        }
        for (Rejection j : r.rejections()) {
            io.cloudprovisioner.api.v1.Rejection.Builder b = io.cloudprovisioner.api.v1.Rejection.newBuilder()
                    .setProvider(ProtoMapper.toProto(j.provider())).setRegion(j.region()).setReason(j.reason())
                    .setMessage(j.message()).addAllConstraints(ProtoMapper.toProto(j.constraints()));
            if (j.deploymentType() != null) {
                b.setDeploymentType(ProtoMapper.toProto(j.deploymentType()));
            }
            out.addRejections(b);
        }
        return out.build();
    }
}
