<?php
// Loads the module's library once, for the addon file and for hooks.php alike.
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

require_once __DIR__ . '/operations.php';
require_once __DIR__ . '/settings.php';
require_once __DIR__ . '/bridge.php';
require_once __DIR__ . '/proxy.php';
require_once __DIR__ . '/uploads.php';
require_once __DIR__ . '/page.php';
require_once __DIR__ . '/widget.php';
require_once __DIR__ . '/alerts.php';
