// Every policy of the pack, in the order the CLI lists them; index.ts serves them, tests read them here.
import type { Policies } from "@pulumi/policy";
import { configureRedisSharedRole } from "./rightsize-configure-redis-shared-role";
import { configureSharedBuffers } from "./rightsize-configure-shared-buffers";
import { disallowAddedCapabilities } from "./rightsize-disallow-added-capabilities";
import { disallowBlockingPdb } from "./rightsize-disallow-blocking-pdb";
import { disallowHostAccess } from "./rightsize-disallow-host-access";
import { disallowIdenticalProbes } from "./rightsize-disallow-identical-probes";
import { disallowLiteralSecrets } from "./rightsize-disallow-literal-secrets";
import { disallowRequestsOverLimits } from "./rightsize-disallow-requests-over-limits";
import { disallowServiceAccountToken } from "./rightsize-disallow-service-account-token";
import { disallowUnpinnedImage } from "./rightsize-disallow-unpinned-image";
import { enforceBeatSingleton } from "./rightsize-enforce-beat-singleton";
import { enforceBrokerNoeviction } from "./rightsize-enforce-broker-noeviction";
import { enforceCeleryMemoryFit } from "./rightsize-enforce-celery-memory-fit";
import { enforceMemoryEmptydirSize } from "./rightsize-enforce-memory-emptydir-size";
import { enforcePostgresMemoryFit } from "./rightsize-enforce-postgres-memory-fit";
import { enforceNodeBudget } from "./rightsize-enforce-node-budget";
import { enforcePodSecurity } from "./rightsize-enforce-pod-security";
import { enforcePostgresMemoryRequest } from "./rightsize-enforce-postgres-memory-request";
import { enforceReadOnlyRootFilesystem } from "./rightsize-enforce-read-only-root-filesystem";
import { enforceSeccomp } from "./rightsize-enforce-seccomp";
import { enforceVisibilityTimeout } from "./rightsize-enforce-visibility-timeout";
import { missingLivenessProbe } from "./rightsize-missing-liveness-probe";
import { missingNetworkPolicy } from "./rightsize-missing-network-policy";
import { missingPdb } from "./rightsize-missing-pdb";
import { missingReadinessProbe } from "./rightsize-missing-readiness-probe";
import { missingResources } from "./rightsize-missing-resources";

export const POLICIES: Policies = [
  enforceNodeBudget,
  enforceBeatSingleton,
  enforceBrokerNoeviction,
  enforceCeleryMemoryFit,
  enforcePostgresMemoryFit,
  enforceVisibilityTimeout,
  disallowAddedCapabilities,
  disallowHostAccess,
  disallowLiteralSecrets,
  missingResources,
  disallowRequestsOverLimits,
  missingReadinessProbe,
  missingLivenessProbe,
  disallowIdenticalProbes,
  disallowUnpinnedImage,
  enforcePodSecurity,
  enforceSeccomp,
  enforceReadOnlyRootFilesystem,
  disallowServiceAccountToken,
  enforceMemoryEmptydirSize,
  missingPdb,
  disallowBlockingPdb,
  missingNetworkPolicy,
  configureSharedBuffers,
  enforcePostgresMemoryRequest,
  configureRedisSharedRole,
];
