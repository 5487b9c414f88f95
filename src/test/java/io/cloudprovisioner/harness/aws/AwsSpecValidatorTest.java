package io.cloudprovisioner.harness.aws;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The validator accepts what the SDK sends and rejects every kind of deviation from the botocore model. */
class AwsSpecValidatorTest {
    static AwsSpecValidator validator;

    @BeforeAll
    static void load() {
        validator = AwsSpecValidator.load();
    }

    static Map<String, String> run() {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("Action", "RunInstances");
        f.put("Version", "2016-11-15");
        f.put("ImageId", "ami-0aa00000000000002");
        f.put("InstanceType", "m6i.large");
        f.put("MinCount", "1");
        f.put("MaxCount", "1");
        f.put("ClientToken", "req-1");
        f.put("SecurityGroupId.1", "sg-1");
        f.put("BlockDeviceMapping.1.DeviceName", "/dev/sda1");
        f.put("BlockDeviceMapping.1.Ebs.VolumeSize", "20");
        f.put("BlockDeviceMapping.1.Ebs.VolumeType", "gp3");
        f.put("BlockDeviceMapping.1.Ebs.DeleteOnTermination", "true");
        f.put("TagSpecification.1.ResourceType", "instance");
        f.put("TagSpecification.1.Tag.1.Key", "managed-by");
        f.put("TagSpecification.1.Tag.1.Value", "cloud-provisioner");
        f.put("InstanceMarketOptions.MarketType", "spot");
        f.put("InstanceMarketOptions.SpotOptions.SpotInstanceType", "one-time");
        f.put("EnclaveOptions.Enabled", "true");
        f.put("CpuOptions.AmdSevSnp", "enabled");
        f.put("Placement.AvailabilityZone", "us-east-1b");
        f.put("MetadataOptions.HttpTokens", "required");
        return f;
    }

    static List<String> with(String key, String value) {
        Map<String, String> f = run();
        if (value == null) {
            f.remove(key);
        } else {
            f.put(key, value);
        }
        return validator.validate(f);
    }

    @Test
    void aConformingRunInstancesPasses() {
        assertEquals(List.of(), validator.validate(run()));
        assertEquals(List.of(), validator.validate(Map.of("Action", "DescribeInstances", "Version", "2016-11-15",
                "Filter.1.Name", "tag:managed-by", "Filter.1.Value.1", "cloud-provisioner", "Filter.2.Name",
                "instance-state-name", "Filter.2.Value.1", "running", "Filter.2.Value.2", "pending")));
        assertEquals(List.of(), validator.validate(Map.of("Action", "AuthorizeSecurityGroupIngress", "Version",
                "2016-11-15", "GroupId", "sg-1", "IpPermissions.1.IpProtocol", "tcp", "IpPermissions.1.FromPort", "22",
                "IpPermissions.1.ToPort", "22", "IpPermissions.1.IpRanges.1.CidrIp", "10.0.0.0/8")));
    }

    static void rejects(List<String> violations, String fragment) {
        assertEquals(1, violations.size(), violations.toString());
        assertTrue(violations.get(0).contains(fragment), violations.toString());
    }

    @Test
    void unknownActionAndWrongVersion() {
        rejects(validator.validate(Map.of("Action", "LaunchRocket", "Version", "2016-11-15")), "unknown Action");
        rejects(with("Version", "2014-01-01"), "Version");
    }

    @Test
    void unknownParameterNamesIncludingUnflattenedListsAndMemberNamesInsteadOfLocationNames() {
        rejects(with("Colour", "blue"), "no such member");
        rejects(with("TagSpecifications.1.ResourceType", "instance"), "no such member");
        rejects(with("TagSpecification.1.Tags.1.Key", "x"), "no such member");
        rejects(with("SecurityGroupId.member.1", "sg-2"), "list indexes");
    }

    @Test
    void requiredMembersAtTopLevel() {
        rejects(with("MinCount", null), "required member MinCount");
        rejects(validator.validate(Map.of("Action", "CreateSecurityGroup", "Version", "2016-11-15", "GroupName",
                "x")), "required member GroupDescription");
    }

    @Test
    void enumsIntegersBooleansAndListGaps() {
        rejects(with("InstanceMarketOptions.MarketType", "cheap"), "enum MarketType");
        rejects(with("TagSpecification.1.ResourceType", "vm"), "enum ResourceType");
        rejects(with("BlockDeviceMapping.1.Ebs.VolumeSize", "twenty"), "not a valid integer");
        rejects(with("EnclaveOptions.Enabled", "yes"), "boolean");
        rejects(with("SecurityGroupId.3", "sg-3"), "list indexes");
        rejects(validator.validate(Map.of("Action", "DescribeInstanceTypes", "Version", "2016-11-15",
                "MaxResults", "1000")), "above maximum");
    }
}
