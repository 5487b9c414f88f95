package io.cloudprovisioner.domain;

/** Normalised lifecycle state of an instance. */
public enum InstanceStatus {
    STARTING,
    RUNNING,
    STOPPING,
    STOPPED,
    TERMINATED,
    UNKNOWN
}
