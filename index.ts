// rightsize: the Pulumi program. Validates the whole stack config first (nothing is registered when it
// is wrong), then builds the platform.
import { loadStackConfig } from "./config/load";
import { Platform } from "./components/platform";

const config = loadStackConfig();
const platform = new Platform("rightsize", { config });

export const namespace = platform.namespace;
export const webUrl = platform.web.url;
export const gunicornWorkers = platform.web.settings.workers;
