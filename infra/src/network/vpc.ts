import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { subnetCidr } from "./cidr.ts";

export const zoneCount = 3;

export interface Network {
  vpc: aws.ec2.Vpc;
  privateSubnetIds: pulumi.Output<string>[];
  publicSubnetIds: pulumi.Output<string>[];
  zones: pulumi.Output<string>[];
}

/**
 * A VPC over three availability zones: nodes and databases live in private subnets that reach out through one
 * NAT gateway per zone (a zone outage must not cut the other zones off); public subnets only hold NAT gateways
 * and internet-facing load balancers.
 */
export function createNetwork(name: string, cidr: string, clusterName: string): Network {
  const azs = aws.getAvailabilityZonesOutput({ state: "available" });
  const zones = [...Array(zoneCount).keys()].map((i) =>
    azs.names.apply((names) => {
      const zone = names[i];
      if (!zone) throw new Error(`the region has fewer than ${zoneCount} availability zones`);
      return zone;
    }),
  );
  const clusterTag = `kubernetes.io/cluster/${clusterName}`;
  const vpc = new aws.ec2.Vpc(name, {
    cidrBlock: cidr,
    enableDnsHostnames: true,
    enableDnsSupport: true,
    tags: { Name: name },
  });
  const igw = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: { Name: name } });
  const publicRt = new aws.ec2.RouteTable(`${name}-public`, {
    vpcId: vpc.id,
    routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
    tags: { Name: `${name}-public` },
  });

  const privateSubnetIds: pulumi.Output<string>[] = [];
  const publicSubnetIds: pulumi.Output<string>[] = [];
  zones.forEach((zone, i) => {
    const pub = new aws.ec2.Subnet(`${name}-public-${i}`, {
      vpcId: vpc.id,
      availabilityZone: zone,
      cidrBlock: subnetCidr(cidr, 22, 48 + i),
      mapPublicIpOnLaunch: false,
      tags: { Name: `${name}-public-${i}`, "kubernetes.io/role/elb": "1", [clusterTag]: "shared" },
    });
    new aws.ec2.RouteTableAssociation(`${name}-public-${i}`, { subnetId: pub.id, routeTableId: publicRt.id });
    const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: "vpc", tags: { Name: `${name}-nat-${i}` } });
    const nat = new aws.ec2.NatGateway(`${name}-nat-${i}`, {
      subnetId: pub.id,
      allocationId: eip.id,
      tags: { Name: `${name}-nat-${i}` },
    });
    const priv = new aws.ec2.Subnet(`${name}-private-${i}`, {
      vpcId: vpc.id,
      availabilityZone: zone,
      cidrBlock: subnetCidr(cidr, 19, i),
      mapPublicIpOnLaunch: false,
      tags: { Name: `${name}-private-${i}`, "kubernetes.io/role/internal-elb": "1", [clusterTag]: "shared" },
    });
    const rt = new aws.ec2.RouteTable(`${name}-private-${i}`, {
      vpcId: vpc.id,
      routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: nat.id }],
      tags: { Name: `${name}-private-${i}` },
    });
    new aws.ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: priv.id, routeTableId: rt.id });
    privateSubnetIds.push(priv.id);
    publicSubnetIds.push(pub.id);
  });
  return { vpc, privateSubnetIds, publicSubnetIds, zones };
}
