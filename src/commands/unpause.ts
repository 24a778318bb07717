// `mydocker unpause CONTAINER...`: thaws what `pause` froze (commands/pause.ts).

import { pauseVerb } from "./pause";

export default pauseVerb("unpause", "Unpause all processes within one or more containers");
