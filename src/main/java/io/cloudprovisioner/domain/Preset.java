package io.cloudprovisioner.domain;

/** Named resource presets; explicit spec fields win over them. */
public enum Preset {
    MINIMAL(0.5, 1, 10, true),
    BASIC(2, 4, 20, false),
    RECOMMENDED(4, 16, 100, false),
    PERFORMANCE(8, 32, 500, false);

    private final double cpu;
    private final double memoryGib;
    private final double storageGb;
    private final boolean allowSpot;

    Preset(double cpu, double memoryGib, double storageGb, boolean allowSpot) {
        this.cpu = cpu;
        this.memoryGib = memoryGib;
        this.storageGb = storageGb;
        this.allowSpot = allowSpot;
    }

    public double cpu() {
        return cpu;
    }

    public double memoryGib() {
        return memoryGib;
    }

    public double storageGb() {
        return storageGb;
    }

    public boolean allowSpot() {
        return allowSpot;
    }
}
