"""The device without its hardware: the simulator (a window or the terminal), the demo,
and the scenario runner that plays a script in virtual time."""
