<?php
/* WHMCS's daily cron, reduced to running the DailyCronJob hooks. */

require __DIR__ . '/init.php';
require HARNESS_ROOT . '/modules/addons/commitment_forecaster/hooks.php';

run_hook('DailyCronJob', array());
header('Content-Type: application/json');
echo json_encode(array('ran' => true));
