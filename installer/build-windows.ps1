# Builds つなぎ on Windows: the PyInstaller bundle, its self-test, then the NSIS installer.
#   powershell -ExecutionPolicy Bypass -File installer\build-windows.ps1
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..")
if (-not (Test-Path .venv)) { py -3.11 -m venv .venv }
.\.venv\Scripts\python -m pip install -q --upgrade pip
.\.venv\Scripts\python -m pip install -q -e . "pyinstaller>=6.5"
if ($LASTEXITCODE -ne 0) { throw "pip install failed" }
.\.venv\Scripts\pyinstaller installer\tsunagi.spec --noconfirm --workpath build\pyi --distpath dist
if ($LASTEXITCODE -ne 0) { throw "PyInstaller failed" }
# tsunagi.exe is a GUI-subsystem exe: PowerShell neither waits for it nor sets $LASTEXITCODE, so a plain
# call would pass whatever the self-test found. Start-Process -Wait gives the real exit code.
$env:QT_QPA_PLATFORM = "offscreen"
$report = Join-Path $PWD "build\selftest.txt"
$proc = Start-Process -FilePath ".\dist\tsunagi\tsunagi.exe" -ArgumentList "--selftest" -Wait -PassThru `
  -NoNewWindow -RedirectStandardOutput $report -RedirectStandardError "$report.err"
Remove-Item Env:\QT_QPA_PLATFORM
Get-Content -Encoding UTF8 $report, "$report.err"
if ($proc.ExitCode -ne 0) { throw "selftest failed (exit $($proc.ExitCode))" }
$makensis = "${env:ProgramFiles(x86)}\NSIS\makensis.exe"
& $makensis "/DBUNDLE=$PWD\dist\tsunagi" "/DOUTFILE=$PWD\dist\tsunagi-setup.exe" installer\tsunagi.nsi
if ($LASTEXITCODE -ne 0) { throw "makensis failed" }
Write-Host "dist\tsunagi-setup.exe を作成しました"
