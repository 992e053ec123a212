<?php
// php -S router: existing files (admin-ajax.php, wp-login.php, assets) as they are, anything else
// (/wp-json/...) through WordPress's front controller, as Apache's rewrite rules would.
$leadsmanager_path = (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH );
if ( '/' !== $leadsmanager_path && is_file( __DIR__ . $leadsmanager_path ) ) {
	return false;
}
$_SERVER['SCRIPT_NAME'] = '/index.php';
require __DIR__ . '/index.php';
