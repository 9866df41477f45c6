// Every policy of the pack, in the order the CLI lists them; index.ts serves them, tests read them here.
import type { Policies } from "@pulumi/policy";
import { redisSharedRole } from "./rightsize-configure-redis-shared-role";
import { sharedBuffers } from "./rightsize-configure-shared-buffers";
import { identicalProbes } from "./rightsize-disallow-identical-probes";
import { requestsOverLimits } from "./rightsize-disallow-requests-over-limits";
import { unpinnedImage } from "./rightsize-disallow-unpinned-image";
import { beatSingleton } from "./rightsize-enforce-beat-singleton";
import { brokerNoEviction } from "./rightsize-enforce-broker-noeviction";
import { celeryMemoryFitPolicy } from "./rightsize-enforce-celery-memory-fit";
import { memoryEmptyDir } from "./rightsize-enforce-memory-emptydir-size";
import { nodeBudget } from "./rightsize-enforce-node-budget";
import { podSecurity } from "./rightsize-enforce-pod-security";
import { postgresMemoryFit } from "./rightsize-enforce-postgres-memory-fit";
import { postgresMemoryRequest } from "./rightsize-enforce-postgres-memory-request";
import { visibilityTimeout } from "./rightsize-enforce-visibility-timeout";
import { missingPdb } from "./rightsize-missing-pdb";
import { missingReadiness } from "./rightsize-missing-readiness-probe";
import { missingResources } from "./rightsize-missing-resources";

export const POLICIES: Policies = [
  nodeBudget,
  beatSingleton,
  brokerNoEviction,
  celeryMemoryFitPolicy,
  postgresMemoryFit,
  visibilityTimeout,
  missingResources,
  requestsOverLimits,
  missingReadiness,
  identicalProbes,
  unpinnedImage,
  podSecurity,
  memoryEmptyDir,
  missingPdb,
  sharedBuffers,
  postgresMemoryRequest,
  redisSharedRole,
];
