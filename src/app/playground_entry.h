// The playground's entry, shared by `worthit playground` and `worthit run` without a token
// (cmd_playground.cpp). port / shop_port: -1 = defaults (PORT, PORT+1). Returns the exit code.
#pragma once

namespace worthit::app {

int RunPlaygroundEntry(int port, int shop_port);

}  // namespace worthit::app
