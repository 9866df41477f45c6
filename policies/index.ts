// The rightsize CrossGuard policy pack: `pulumi preview --policy-pack policies`, and `npm run plan`
// offline over the same Analyzer protocol. This file only builds the pack; each policy is in its own file.
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./all";

new PolicyPack("rightsize", { policies: POLICIES });
