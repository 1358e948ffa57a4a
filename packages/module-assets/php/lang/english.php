<?php
if (!defined('WHMCS')) {
    die('This file cannot be accessed directly');
}

// The page's text is in the bundled UI; WHMCS reads these for its own menus.
$_ADDONLANG['title'] = 'Commitment Forecaster';
$_ADDONLANG['widgetTitle'] = 'Commitment Forecaster';
