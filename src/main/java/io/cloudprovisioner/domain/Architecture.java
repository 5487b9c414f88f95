package io.cloudprovisioner.domain;

/** CPU architecture of an instance type. */
public enum Architecture {
    X86_64,
    ARM64
}
