<?php
/*
 * Stands in for WHMCS's admin/addonmodules.php: builds the addon's $vars from its settings, buffers
 * output (WHMCS does, which lets the module answer JSON and exit), and places the module's output
 * inside an admin page that looks like Blend.
 */

require dirname(__DIR__) . '/harness/init.php';

$module = isset($_GET['module']) ? $_GET['module'] : '';
if (!preg_match('/^[a-z0-9_]+$/', $module) || !is_file(HARNESS_ROOT . "/modules/addons/$module/$module.php")) {
    http_response_code(404);
    echo 'No such addon';
    exit;
}
require HARNESS_ROOT . "/modules/addons/$module/$module.php";

header("Content-Security-Policy: default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'");
ob_start();
echo file_get_contents(HARNESS_ROOT . '/harness/chrome-head.html');
call_user_func($module . '_output', harness_module_vars($module));
echo file_get_contents(HARNESS_ROOT . '/harness/chrome-foot.html');
ob_end_flush();
