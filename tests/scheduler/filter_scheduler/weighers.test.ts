/** Every weigher's unit tests (one file per weigher under weighers/), run in one worker to keep the suite fast. */
import './weighers/build_failure_weigher.unit.js';
import './weighers/cpu_weigher.unit.js';
import './weighers/cross_cell_weigher.unit.js';
import './weighers/disk_weigher.unit.js';
import './weighers/io_ops_weigher.unit.js';
import './weighers/metrics_weigher.unit.js';
import './weighers/ram_weigher.unit.js';
import './weighers/server_group_soft_affinity_weigher.unit.js';
import './weighers/server_group_soft_anti_affinity_weigher.unit.js';
