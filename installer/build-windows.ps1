# Builds つなぎ on Windows: the PyInstaller bundle, its self-test, then the NSIS installer.
#   powershell -ExecutionPolicy Bypass -File installer\build-windows.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
if (-not (Test-Path .venv)) { py -3.11 -m venv .venv }
.\.venv\Scripts\python -m pip install -q --upgrade pip
.\.venv\Scripts\python -m pip install -q -e . "pyinstaller>=6.5"
.\.venv\Scripts\pyinstaller installer\tsunagi.spec --noconfirm --workpath build\pyi --distpath dist
$env:QT_QPA_PLATFORM = "offscreen"
.\dist\tsunagi\tsunagi.exe --selftest
if ($LASTEXITCODE -ne 0) { throw "selftest failed" }
Remove-Item Env:\QT_QPA_PLATFORM
$makensis = "${env:ProgramFiles(x86)}\NSIS\makensis.exe"
& $makensis "/DBUNDLE=$PWD\dist\tsunagi" "/DOUTFILE=$PWD\dist\tsunagi-setup.exe" installer\tsunagi.nsi
if ($LASTEXITCODE -ne 0) { throw "makensis failed" }
Write-Host "dist\tsunagi-setup.exe を作成しました"
