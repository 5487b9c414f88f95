package io.cloudprovisioner.api;

import io.cloudprovisioner.catalog.Money;

import io.cloudprovisioner.api.v1.CloudProvider;
import io.cloudprovisioner.api.v1.ConstraintCount;
import io.cloudprovisioner.api.v1.InstanceOffer;
import io.cloudprovisioner.api.v1.InstanceType;
import io.cloudprovisioner.api.v1.Price;
import io.cloudprovisioner.api.v1.QosRequirements;
import io.cloudprovisioner.catalog.Constraint;
import io.cloudprovisioner.catalog.InstanceTypeSpec;
import io.cloudprovisioner.catalog.Offer;
import io.cloudprovisioner.catalog.PriceQuote;
import io.cloudprovisioner.catalog.PriceSource;
import io.cloudprovisioner.domain.Architecture;
import io.cloudprovisioner.domain.DeploymentType;
import io.cloudprovisioner.domain.Provider;
import io.cloudprovisioner.domain.ResourceSpec;
import io.cloudprovisioner.domain.TeeTechnology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Converts between the domain and the generated API types. One place for every mapping. */
public final class ProtoMapper {
    private ProtoMapper() {
    }

    public static CloudProvider toProto(Provider p) {
        return switch (p) {
            case AWS -> CloudProvider.CLOUD_PROVIDER_AWS;
            case GCP -> CloudProvider.CLOUD_PROVIDER_GCP;
            case AZURE -> CloudProvider.CLOUD_PROVIDER_AZURE;
            case DIGITALOCEAN -> CloudProvider.CLOUD_PROVIDER_DIGITALOCEAN;
            case VULTR -> CloudProvider.CLOUD_PROVIDER_VULTR;
        };
    }

    /** Null for UNSPECIFIED; callers report unknown values (UNRECOGNIZED) as violations before calling this. */
    public static Provider fromProto(CloudProvider p) {
        return switch (p) {
            case CLOUD_PROVIDER_AWS -> Provider.AWS;
            case CLOUD_PROVIDER_GCP -> Provider.GCP;
            case CLOUD_PROVIDER_AZURE -> Provider.AZURE;
            case CLOUD_PROVIDER_DIGITALOCEAN -> Provider.DIGITALOCEAN;
            case CLOUD_PROVIDER_VULTR -> Provider.VULTR;
            default -> null;
        };
    }

    public static io.cloudprovisioner.api.v1.Architecture toProto(Architecture a) {
        return a == Architecture.ARM64 ? io.cloudprovisioner.api.v1.Architecture.ARCHITECTURE_ARM64
                : io.cloudprovisioner.api.v1.Architecture.ARCHITECTURE_X86_64;
    }

    public static Architecture fromProto(io.cloudprovisioner.api.v1.Architecture a) {
        return a == io.cloudprovisioner.api.v1.Architecture.ARCHITECTURE_ARM64 ? Architecture.ARM64
                : Architecture.X86_64;
    }

    public static io.cloudprovisioner.api.v1.TeeTechnology toProto(TeeTechnology t) {
        return io.cloudprovisioner.api.v1.TeeTechnology.valueOf("TEE_TECHNOLOGY_" + t.name());
    }

    public static TeeTechnology fromProto(io.cloudprovisioner.api.v1.TeeTechnology t) {
        return TeeTechnology.valueOf(t.name().substring("TEE_TECHNOLOGY_".length()));
    }

    public static io.cloudprovisioner.api.v1.DeploymentType toProto(DeploymentType t) {
        return io.cloudprovisioner.api.v1.DeploymentType.valueOf("DEPLOYMENT_TYPE_" + t.name());
    }

    public static DeploymentType fromProto(io.cloudprovisioner.api.v1.DeploymentType t) {
        return DeploymentType.valueOf(t.name().substring("DEPLOYMENT_TYPE_".length()));
    }

    public static io.cloudprovisioner.api.v1.Constraint toProto(Constraint c) {
        return io.cloudprovisioner.api.v1.Constraint.valueOf("CONSTRAINT_" + c.name());
    }

    public static List<ConstraintCount> toProto(Map<Constraint, Integer> counts) {
        List<ConstraintCount> out = new ArrayList<>(counts.size());
        counts.forEach((c, n) -> out.add(ConstraintCount.newBuilder().setConstraint(toProto(c)).setRejected(n).build()));
        return out;
    }

    public static io.cloudprovisioner.api.v1.PriceSource toProto(PriceSource s) {
        return io.cloudprovisioner.api.v1.PriceSource.newBuilder().setId(s.id()).setDescription(s.description())
                .setOrigin(s.origin()).setAsOf(s.asOf()).setLive(s.live()).setStale(s.stale()).build();
    }

    public static Price toProto(PriceQuote q) {
        return toProto(q, toProto(q.source()));
    }

    /** As {@link #toProto(PriceQuote)}, with the source's message already built (shared across prices). */
    public static Price toProto(PriceQuote q, io.cloudprovisioner.api.v1.PriceSource source) {
        // the double is the figure selection ranked by (a monthly quote / 730 at full double precision); the decimal
        // is the source's digits (a monthly quote / 730 to 10 decimals)
        Price.Builder b = Price.newBuilder().setUsdPerHour(q.usdPerHour())
                .setUsdPerHourDecimal(Money.text(Money.hourly(q))).setSource(source)
                .setNormalisedFromMonthly(q.normalisedFromMonthly()).setUsdPerMonth(q.usdPerMonth());
        if (q.usdPerMonth() > 0) {
            b.setUsdPerMonthDecimal(Money.text(Money.decimal(q.usdPerMonth())));
        }
        return b.build();
    }

    public static InstanceType toProto(InstanceTypeSpec t) {
        InstanceType.Builder b = InstanceType.newBuilder().setProvider(toProto(t.provider())).setName(t.name())
                .setFamily(t.family()).setGeneration(t.generation()).setVcpus(t.vcpus())
                .setMemoryGib(t.memoryGib()).setGpuCount(t.gpuCount()).setGpuModel(t.gpuModel())
                .setArchitecture(toProto(t.architecture())).setBurstable(t.burstable())
                .setSharedCore(t.sharedCore()).setBareMetal(t.bareMetal()).setSpecSource(t.specSource())
                .setSpecDerived(t.specDerived()).setRetired(t.retired()).setNominalVcpus(t.nominalVcpus());
        for (TeeTechnology tee : new TreeSet<>(t.tee())) {
            b.addTeeTechnologies(toProto(tee));
        }
        return b.build();
    }

    public static InstanceOffer toProto(Offer o) {
        InstanceOffer.Builder b = InstanceOffer.newBuilder().setInstanceType(toProto(o.type())).setRegion(o.region())
                .setAvailabilityUnconfirmed(!o.availabilityConfirmed());
        if (o.onDemand() != null) {
            b.setOnDemand(toProto(o.onDemand()));
        }
        if (o.spot() != null) {
            b.setSpot(toProto(o.spot()));
        }
        return b.build();
    }

    public static io.cloudprovisioner.api.v1.ResourceSpec toProto(ResourceSpec s) {
        io.cloudprovisioner.api.v1.ResourceSpec.Builder b = io.cloudprovisioner.api.v1.ResourceSpec.newBuilder()
                .setCpu(s.cpu()).setMemoryGb(s.memoryGib()).setStorageGb(s.storageGb()).setGpuCount(s.gpuCount())
                .setGpuModel(s.gpuModel()).setAllowSpot(s.allowSpot()).setRequireTee(s.requireTee())
                .setArchitecture(toProto(s.architecture()))
                .setQos(QosRequirements.newBuilder().setPriority(s.qos().priority())
                        .setSlaTarget(s.qos().slaTarget())
                        .setReliabilityMultiplier(s.qos().reliabilityMultiplier()));
        if (s.requireTee()) {
            for (TeeTechnology t : new TreeSet<>(s.teeTechnologies())) {
                b.addTeeTechnologies(toProto(t));
            }
        }
        return b.build();
    }
}
